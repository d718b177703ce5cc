"""DigitLab's Qt-free core: data, models, training, checkpoints, preprocessing, inspection."""

__version__ = "0.1.0"
