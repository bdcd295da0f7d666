"""The columns of the providers table, defined once."""

DIRECTORY_COLUMNS = [
    "id_prestataire",
    "raison_sociale",
    "enseigne",
    "siret",
    "type_structure",
    "secteur",
    "cadre_legal",
    "adresse",
    "code_postal",
    "commune_insee",
    "departement",
    "region",
    "lat",
    "lon",
    "metiers",
    "familles",
    "source_metiers",
    "confiance_metiers",
    "perimetre",
    "rayon_km",
    "zones",
    "perimetre_par_defaut",
    "effectif",
    "chiffre_affaires",
    "fictif",
    "alertes",
    "source_fichier",
    "source_ligne",
    "metiers_supposes",  # métiers assumed (ESAT of unknown trades), kept apart from ``metiers``
]
LIST_SEPARATOR = " | "
TRUE_TEXTS = {"true", "vrai", "oui", "1", "x", "yes"}
