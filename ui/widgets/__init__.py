"""Small widgets of the main window: the check list and the image preview."""
