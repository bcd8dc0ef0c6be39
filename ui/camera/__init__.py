"""The camera dialog: a live webcam preview with the framing guide, and its capture loop."""
