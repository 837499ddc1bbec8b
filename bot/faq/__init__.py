"""FAQ answering: the bank trainers edit and the matcher that answers farmers\x27 questions from it."""
