"""Where and how the core runs: compute devices, the memory allocator, file
locations (bundled resources, the user's data folder) and crash-safe writes."""
