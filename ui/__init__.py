"""PySide6 desktop window over `photocheck.api`; the image pipeline itself never imports Qt."""
