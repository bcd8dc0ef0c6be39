"""The registration photo: analysis, checks, framing, the fixer and its JPEG encoder."""
