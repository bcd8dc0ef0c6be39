"""Supporting documents: geometry, OCR, compression under the cap, classification, checks and the fixer."""
