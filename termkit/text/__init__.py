"""Pure string functions, no files and no glossary: character tables
(:mod:`.chars`), normalization views with offsets back to the original
(:mod:`.normalize`), Traditional spellings (:mod:`.traditional`) and numerals
(:mod:`.numerals`)."""
