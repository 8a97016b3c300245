"""The annual report (DESIGN section 7): context building, PDF, Excel and pages."""
