"""The support catalogue (equipment, experts, patents, labs): import, export, demo, suggestions.

``columns`` says what each kind holds; ``rows`` reads and checks CSV files; ``store``
upserts and exports; ``index`` keeps the Kiwi-term index; ``suggest`` ranks resources for
what a caller said; ``demo`` writes the demo catalogue. docs/catalogue.md explains them.
"""
