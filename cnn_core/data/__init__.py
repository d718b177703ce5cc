"""Pictures and datasets: IDX files, MNIST and its relatives, the user's own digits,
preprocessing a drawing into a 28×28 input, augmentation and synthetic non-digits."""
