"""Small pure helpers that both the content model and the Word layer use; they import nothing from reportgen."""
