"""The architecture builder tab: assemble a network layer by layer, see its figures live."""
