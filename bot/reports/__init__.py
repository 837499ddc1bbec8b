"""The administrator report: numbers counted in SQL (`queries`), held as plain tables (`model`), and
rendered as text, one tidy CSV, charts and one self-contained HTML page. It knows nothing of Telegram.
"""
