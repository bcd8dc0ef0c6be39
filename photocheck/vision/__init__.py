"""Face and person analysis on MediaPipe models run through OpenCV's DNN module."""
