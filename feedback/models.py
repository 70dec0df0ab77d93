"""Comments, supervisor reviews with rubric scores, verification, employer feedback."""
