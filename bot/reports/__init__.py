"""The administrator report: numbers counted in SQL (`build`, `scope`, one module per table in
`tables`), held as plain tables (`model`), put in people's words (`words`, `findings`) and rendered
as text, one tidy CSV, an Excel workbook, charts and one self-contained HTML page. It knows nothing
of Telegram.
"""
