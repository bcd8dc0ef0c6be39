"""The colours the window speaks in: green ready or passed, red missing or failed, amber to look
at, grey for explanations, blue for links and notes."""

from __future__ import annotations

GREEN, RED, AMBER, GREY, BLUE = "#2e7d32", "#c62828", "#b45309", "#6b7280", "#1d4ed8"
STATE_COLOUR = {"ready": GREEN, "not_ready": RED, "missing": RED, "not_provided": GREY}
