"""The columns of the contracts table, defined once."""

CONTRACT_COLUMNS = [
    "id_contrat",
    "acheteur_id",
    "acheteur_nom",
    "direction",
    "objet",
    "lot",
    "code_cpv",
    "libelle_cpv",
    "type_marche",
    "nature",
    "procedure",
    "categorie_procedure",
    "montant",
    "montant_nature",
    "duree_mois",
    "date_notification",
    "date_fin_estimee",
    "lieu_code",
    "lieu_type",
    "commune_insee",
    "departement",
    "region",
    "titulaires",
    "considerations_sociales",
    "doublon",
    "source_fichier",
    "source_ligne",
    "alertes",
]
TEXT_FIELDS = ("id_contrat", "acheteur_nom", "direction", "objet", "lot")

TEXT_FIELDS = ("id_contrat", "acheteur_nom", "direction", "objet", "lot")
