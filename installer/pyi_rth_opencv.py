# PyInstaller runtime hook (build_installer.spec): on Linux the frozen build replaces the ffmpeg
# libraries cv2 links with stubs that stop the program (installer/linux/vendored_libs.py), so cv2's
# FFMPEG video backend (video files and streams, which the app never opens) is switched off before
# cv2 loads. Camera capture goes through V4L2 / AVFoundation / MSMF, not ffmpeg.
import os

os.environ["OPENCV_VIDEOIO_PRIORITY_FFMPEG"] = "0"
