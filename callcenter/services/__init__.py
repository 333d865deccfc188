"""Operations that touch several tables: they flush, their callers commit."""
