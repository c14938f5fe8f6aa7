"""Pages of store operations: CRUD lists and forms (crud), running inspections (runs), my work and the scorecard
(pages)."""
