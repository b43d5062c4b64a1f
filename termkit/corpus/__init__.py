"""Reading collections of reports rather than one text: the 名词解释
appendices that become glossaries (:mod:`.extract`). Whatever works across
many documents — their dates and places, counts, discovery of new formulas —
belongs here, above matching and glossaries, below the command line."""
