"""Answering for one picture: the prediction, the digit detector and the verdict."""
