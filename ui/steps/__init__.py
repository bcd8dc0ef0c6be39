"""The window's three steps (照片 → 材料 → 导出), each a widget over the shared candidate project."""
