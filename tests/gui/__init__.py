"""pytest-qt tests of the PySide6 window (offscreen, QT_QPA_PLATFORM set by tests/conftest.py)."""
