"""The 2019 labelling tour as the source articles (../shared/seeds/) describe it.

Facts come from the articles. Where they are silent, fields stay empty. Three kinds of values
are not from the articles and are said to be so where they show: the approximate position of
each territory's main town (used by the map and the journey estimate), the IANA time zones,
and the times of day of the three documented stops (demo values).
"""

from typing import NotRequired, TypedDict

# The shape of each entry. Values stay the plain strings the articles give; seed.py turns
# dates, times and enum values into their types when it writes the rows.


class TourEntry(TypedDict):
    slug: str
    title: str
    principal: str
    start_date: str  # ISO date
    end_date: str  # ISO date
    description: str


class TerritoryEntry(TypedDict):
    slug: str
    name: str
    kind: str | None  # a TerritoryKind value; None where the form is not documented
    region: str
    position: tuple[float, float] | None  # (latitude, longitude)
    timezone: NotRequired[str]  # IANA zone; Europe/Paris when absent
    holidays: NotRequired[str]  # school-holiday subdivision code
    presentation: NotRequired[str]
    organisations: NotRequired[list[tuple[str, str]]]  # (name, role in the collective)
    challenges: NotRequired[list[tuple[str, str]]]  # (challenge slug, the territory's wording)


class StopEntry(TypedDict):
    territory: str  # territory slug
    day: str  # ISO date
    start: str  # local time, HH:MM
    end: str  # local time, HH:MM
    venue: str
    address: NotRequired[str]
    host: str | None  # name of one of the territory's organisations
    description: str


class OrganiserAccountEntry(TypedDict, total=False):
    email: str
    name: str
    territories: list[str]  # territory slugs
    team_role: str  # "lead" (the default), "member" or "observer"


class SpeakerEntry(TypedDict):
    name: str
    title: str
    organisation: str
    territory: str | None  # territory slug
    biography: NotRequired[str]


class RoundTableEntry(TypedDict):
    territory: str  # slug of the territory whose stop holds it
    title: str
    start: str  # local time, HH:MM
    end: str  # local time, HH:MM
    description: str
    participants: list[tuple[str, str]]  # (speaker name, ParticipantRole value)


class WorkshopEntry(TypedDict):
    title: str
    challenge: str  # challenge slug
    host: str  # territory slug
    territories: list[str]  # territory slugs
    days_from_seed: int
    capacity: int
    facilitators: list[str]  # speaker names
    description: str
    demo_registrations: int


TOUR: TourEntry = {
    "slug": "tour-des-labellisations-2019",
    "title": "Tour des labellisations Territoires French Impact 2019",
    "principal": "Christophe Itier, Haut-Commissaire à l’économie sociale et solidaire "
    "et à l’innovation sociale",
    "start_date": "2019-02-25",
    # The articles give no end date: 31 December 2019 is a demo value.
    "end_date": "2019-12-31",
    "description": (
        "Le 25 février 2019, au Solilab à Nantes, Christophe Itier, Haut-Commissaire à "
        "l’économie sociale et solidaire et à l’innovation sociale, dévoilait les 20 premiers "
        "territoires labellisés « Territoire French Impact », retenus parmi une cinquantaine "
        "de candidatures à l’appel à manifestation d’intérêt (AMI) lancé en juillet 2018. "
        "C’est là que le tour des labellisations a débuté. Le Haut-Commissaire a annoncé "
        "réunir tous les territoires French Impact pour travailler ensemble sur des défis "
        "communs, « pour faire en sorte que les solutions des uns deviennent les solutions "
        "des autres ».\n\n"
        "La date de fin de la tournée est une valeur de démonstration : les articles ne la "
        "donnent pas."
    ),
}

# Challenges shared across territories; each territory's own wording is kept on the link.
CHALLENGES: dict[str, str] = {
    "mobilites-durables": "Mobilités durables",
    "alimentation-durable": "Alimentation durable et circuits courts",
    "reemploi": "Réemploi et économie circulaire",
    "numerique-pour-tous": "Numérique pour tous",
    "bien-vieillir": "Bien vieillir et silver économie",
    "transition-energetique": "Transition énergétique et écologique",
    "foncier-ess": "Foncier collectif pour l’ESS",
    "accompagnement": "Accompagnement de l’innovation sociale",
    "qualite-de-vie-au-travail": "Qualité de vie au travail et innovation organisationnelle",
    "solidarites": "Solidarités et métiers de demain",
    "economie-formelle": "Formalisation de l’économie",
    "zero-dechet": "Zéro déchet",
    "innovation-sociale-ocean-indien": "Innovation sociale dans l’océan Indien",
}

# The twenty territories labelled on 25 February 2019, in the articles' order.
# kind: the territory's institutional form where the articles or its name give it; None
# where the form is not documented (Figeac, Le Mans – Sarthe, Montreuillois…).
# position: approximate, main town; None where the articles do not say where it lies.
TERRITORIES: list[TerritoryEntry] = [
    {
        "slug": "aix-marseille-provence",
        "name": "Aix-Marseille-Provence",
        "kind": "metropole",
        "region": "Provence-Alpes-Côte d’Azur",
        "position": (43.2965, 5.3698),
    },
    {
        "slug": "clermont-ferrand",
        "name": "Clermont-Ferrand",
        "kind": "metropole",
        "region": "Auvergne-Rhône-Alpes",
        "position": (45.7772, 3.0870),
        "presentation": (
            "La candidature de Clermont Auvergne Métropole a été portée institutionnellement "
            "par le collectif CISCA (Centre de Recherche & Développement et Transfert en "
            "Innovations Sociales Clermont-Auvergne), premier laboratoire d’innovation sociale "
            "sur trois défis majeurs pour le territoire. Sa spécificité : porter l’idée d’une "
            "R&D territoriale en innovation sociale. CISCA s’est préparé avec trois comités de "
            "pilotage et une quarantaine d’acteurs mobilisés. Son coordinateur est Nicolas "
            "Duracka."
        ),
        "organisations": [
            ("CISCA", "porteur de la candidature"),
            ("Université Clermont-Auvergne", "co-présidence du CISCA"),
            ("SCIC Epicentre", "co-présidence du CISCA"),
        ],
        "challenges": [
            (
                "mobilites-durables",
                "Mobilité douce et durable : devenir le laboratoire des "
                "futures mobilités durables.",
            ),
            (
                "alimentation-durable",
                "Développer une alimentation respectueuse de l’environnement.",
            ),
            (
                "numerique-pour-tous",
                "Le numérique pour tous : démocratiser le numérique chez "
                "tous les publics, renforcer la French Tech avec un volet Social Tech.",
            ),
        ],
    },
    {
        "slug": "est-ensemble",
        "name": "Est Ensemble",
        "kind": "etablissement_public_territorial",
        "region": "Île-de-France",
        "position": (48.8839, 2.4355),
    },
    {
        "slug": "figeac",
        "name": "Figeac",
        "kind": None,
        "region": "Occitanie",
        "position": (44.6086, 2.0317),
    },
    {
        "slug": "le-mans-sarthe",
        "name": "Le Mans – Sarthe",
        "kind": None,
        "region": "Pays de la Loire",
        "position": (48.0061, 0.1996),
        "presentation": (
            "Une candidature collective soutenue activement par la CRESS des Pays de la Loire, "
            "portée par le Centre d’Etude et d’Action Sociale 72 (porte-drapeau), le Club de "
            "l’ESS du Pays du Mans, la CCI Le Mans Sarthe, Le Mans Développement et "
            "l’association Le Mans Tech. L’économie sociale et solidaire représente 15 % de "
            "l’emploi salarié privé dans le département. Le projet du collectif : créer les "
            "conditions d’émergence et d’accompagnement des innovations sociales, faire "
            "connaître et reconnaître l’innovation sociale, apporter des solutions aux besoins "
            "des porteurs d’innovation, stimuler des défis prioritaires. Collectivités qui ont "
            "soutenu la candidature : Le Mans Métropole, le Pays de la Haute Sarthe, le "
            "Département de la Sarthe, le Conseil régional des Pays de la Loire."
        ),
        "organisations": [
            ("Centre d’Etude et d’Action Sociale 72", "porte-drapeau"),
            ("Club de l’ESS du Pays du Mans", ""),
            ("CCI Le Mans Sarthe", ""),
            ("Le Mans Développement", ""),
            ("Le Mans Tech", ""),
            ("CRESS des Pays de la Loire", "soutien de la candidature"),
        ],
        "challenges": [
            ("transition-energetique", "Réussir la transition énergétique."),
            ("mobilites-durables", "Explorer les nouvelles mobilités."),
            ("bien-vieillir", "Travailler sur le « bien vieillir » de sa population."),
            (
                "accompagnement",
                "Créer les conditions d’émergence et d’accompagnement des innovations sociales.",
            ),
        ],
    },
    {
        "slug": "lyon-metropole",
        "name": "Lyon-Métropole",
        "kind": "metropole",
        "region": "Auvergne-Rhône-Alpes",
        "position": (45.7640, 4.8357),
    },
    {
        "slug": "mayotte",
        "name": "Mayotte",
        "kind": "departement_outre_mer",
        "region": "Mayotte",
        "timezone": "Indian/Mayotte",
        "holidays": "976",
        "position": (-12.7806, 45.2279),
        "presentation": (
            "Le département d’outre-mer de Mayotte a pris comme objectifs de formaliser son "
            "économie, d’aller vers le zéro déchet et de devenir un territoire « Pilote "
            "Régional de l’innovation sociale » pour réduire les inégalités connues dans "
            "l’océan Indien."
        ),
        "challenges": [
            ("economie-formelle", "Formaliser son économie."),
            ("zero-dechet", "Aller vers le zéro déchet."),
            (
                "innovation-sociale-ocean-indien",
                "Devenir un territoire « Pilote Régional de "
                "l’innovation sociale » pour réduire les inégalités connues dans l’océan Indien.",
            ),
        ],
    },
    {
        "slug": "montreuillois",
        "name": "Montreuillois",
        "kind": None,
        "region": "",
        "position": None,
    },
    {
        "slug": "nantes-metropole",
        "name": "Nantes Métropole",
        "kind": "metropole",
        "region": "Pays de la Loire",
        "position": (47.2184, -1.5536),
        "presentation": (
            "Cinq structures nantaises ont répondu collectivement à l’AMI avec le soutien de la "
            "CRESS, de Nantes Métropole et de la Région des Pays de la Loire. Trois défis "
            "collectifs illustrent la capacité des structures du territoire à coopérer pour "
            "créer des activités économiques viables et utiles."
        ),
        "organisations": [
            ("Les Ecossolies", "chef de file"),
            ("Envie 44", ""),
            ("L’Union régionale des Scop de l’Ouest", ""),
            ("Coopérer pour entreprendre Pays de la Loire", ""),
            ("France Active Pays de la Loire (ex-FONDES)", ""),
            ("CRESS des Pays de la Loire", "soutien de la candidature"),
        ],
        "challenges": [
            (
                "foncier-ess",
                "Favoriser l’accès au foncier collectif pour les entreprises ESS "
                "pour renforcer leur structuration financière.",
            ),
            (
                "alimentation-durable",
                "Construire de nouvelles solutions de logistique pour les "
                "circuits courts alimentaires dans et autour de l’agglomération.",
            ),
            (
                "reemploi",
                "Structurer la filière du réemploi, un moyen pour réduire les déchets "
                "tout en créant des emplois pérennes non délocalisables.",
            ),
        ],
    },
    {
        "slug": "pays-de-grasse",
        "name": "Pays de Grasse",
        "kind": "pays_intercommunalite",
        "region": "Provence-Alpes-Côte d’Azur",
        "position": (43.6589, 6.9231),
    },
    {
        "slug": "region-bretagne",
        "name": "Région Bretagne",
        "kind": "region",
        "region": "Bretagne",
        "position": (48.1173, -1.6778),
        "presentation": (
            "Rassemblés autour de la CRESS Bretagne, TAg35, Bretagne Active, Les Scop de "
            "l’Ouest et Coopérer pour entreprendre Bretagne ont porté une candidature commune. "
            "La Région compte 19 pôles de développement de l’ESS, soit un par pays."
        ),
        "organisations": [
            ("CRESS Bretagne", "structure qui rassemble le collectif"),
            ("TAg35", ""),
            ("Bretagne Active", ""),
            ("Les Scop de l’Ouest", ""),
            ("Coopérer pour entreprendre Bretagne", ""),
        ],
        "challenges": [
            ("transition-energetique", "Contribuer à la transition énergétique et écologique."),
            ("reemploi", "Structurer des filières « réemploi-économie circulaire »."),
            (
                "alimentation-durable",
                "Favoriser la transition vers une agriculture durable et locale.",
            ),
            ("bien-vieillir", "Développer l’ESS dans l’économie du vieillissement."),
            (
                "solidarites",
                "Renforcer les solidarités : accompagner la constitution des métiers de demain.",
            ),
            ("numerique-pour-tous", "Accompagner la transition numérique et digitale."),
        ],
    },
    {
        "slug": "region-normandie",
        "name": "Région Normandie",
        "kind": "region",
        "region": "Normandie",
        "position": (49.1829, -0.3707),
        "presentation": (
            "Autour de la Région, la CRESS Normandie, l’Agence de développement régional des "
            "entreprises de l’ESS (ADRESS), France Active Normandie et Caux Seine Développement. "
            "Un travail collectif coordonné par la CRESS Normandie, fortement soutenu par le "
            "Conseil régional. Caux Vallée de Seine et la commune nouvelle Vire-Normandie se "
            "sont également inscrites dans cette démarche régionale. La candidature est axée sur "
            "le renforcement de la chaîne de l’accompagnement."
        ),
        "organisations": [
            ("Région Normandie", ""),
            ("CRESS Normandie", "coordination du travail collectif"),
            ("ADRESS (Agence de développement régional des entreprises de l’ESS)", ""),
            ("France Active Normandie", ""),
            ("Caux Seine Développement", ""),
        ],
        "challenges": [
            (
                "accompagnement",
                "Renforcer la chaîne de l’accompagnement : soutenir la phase "
                "d’émergence et d’amorçage, articuler les ingénieries d’accompagnement, "
                "soutenir la consolidation et le développement des entreprises, "
                "favoriser les coopérations inter-entreprises, accompagner les territoires.",
            ),
        ],
    },
    {
        "slug": "region-nouvelle-aquitaine",
        "name": "Région Nouvelle-Aquitaine",
        "kind": "region",
        "region": "Nouvelle-Aquitaine",
        "position": (44.8378, -0.5792),
        "presentation": (
            "Impulsé par la Région avec les acteurs du territoire, le collectif est représenté "
            "notamment par la CRESS Nouvelle-Aquitaine, l’ADI Nouvelle-Aquitaine, ATIS et la "
            "Chaire Chrisalidh / fondation Bordeaux Université."
        ),
        "organisations": [
            ("CRESS Nouvelle-Aquitaine", ""),
            ("ADI Nouvelle-Aquitaine", ""),
            ("ATIS", ""),
            ("Chaire Chrisalidh / fondation Bordeaux Université", ""),
        ],
        "challenges": [
            ("bien-vieillir", "Santé et silver économie."),
            ("alimentation-durable", "Alimentation et consommation."),
            (
                "qualite-de-vie-au-travail",
                "Qualité de vie au travail et innovation organisationnelle.",
            ),
        ],
    },
    {
        "slug": "roissy-pays-de-france",
        "name": "Roissy Pays-de-France",
        "kind": "pays_intercommunalite",
        "region": "Île-de-France",
        "position": (49.0036, 2.5164),
    },
    {
        "slug": "roubaix",
        "name": "Roubaix",
        "kind": "ville",
        "region": "Hauts-de-France",
        "position": (50.6942, 3.1746),
    },
    {
        "slug": "strasbourg-eurometropole",
        "name": "Strasbourg Eurométropole",
        "kind": "metropole",
        "region": "Grand Est",
        "holidays": "6AE",
        "position": (48.5734, 7.7521),
    },
    {
        "slug": "territoire-ledonien-cluster-jura",
        "name": "Territoire Lédonien – Cluster’Jura",
        "kind": "cluster",
        "region": "Bourgogne-Franche-Comté",
        "position": (46.6744, 5.5556),
    },
    {
        "slug": "territoire-olympique-2024",
        "name": "Territoire Olympique 2024",
        "kind": None,
        "region": "Île-de-France",
        "position": (48.9362, 2.3574),
    },
    {
        "slug": "valence-romans",
        "name": "Valence-Romans",
        "kind": "pays_intercommunalite",
        "region": "Auvergne-Rhône-Alpes",
        "position": (44.9334, 4.8924),
    },
    {
        "slug": "vallee-de-la-marne",
        "name": "Vallée de la Marne",
        "kind": None,
        "region": "",
        "position": None,
    },
]

# Times of day are demo values: the articles give only the dates.
STOPS: list[StopEntry] = [
    {
        "territory": "nantes-metropole",
        "day": "2019-02-25",
        "start": "10:00",
        "end": "12:30",
        "venue": "Solilab",
        "host": None,
        "description": (
            "Premier jour du tour des labellisations, au Solilab, lieu emblématique de l’ESS à "
            "Nantes : Christophe Itier y dévoile les 20 premiers territoires labellisés "
            "« Territoire French Impact », parmi lesquels Nantes Métropole et Le Mans – Sarthe.\n\n"
            "Les horaires sont des valeurs de démonstration : les articles ne donnent que la "
            "date."
        ),
    },
    {
        "territory": "le-mans-sarthe",
        "day": "2019-03-04",
        "start": "14:00",
        "end": "16:30",
        "venue": "ESAT du Bois Joli",
        "address": "Allonnes",
        "host": None,
        "description": (
            "Rencontre avec les acteurs locaux à l’ESAT du Bois Joli à Allonnes, dans le cadre "
            "du tour des labellisations : présentation de la candidature collective du Mans – "
            "Sarthe en présence des collectivités qui l’ont soutenue (Le Mans Métropole, le Pays "
            "de la Haute Sarthe, le Département de la Sarthe, le Conseil régional des Pays de la "
            "Loire).\n\n"
            "Les horaires sont des valeurs de démonstration : les articles ne donnent que la "
            "date."
        ),
    },
    {
        "territory": "clermont-ferrand",
        "day": "2019-04-12",
        "start": "14:00",
        "end": "17:00",
        "venue": "",
        "host": "CISCA",
        "description": (
            "Rencontre organisée par l’association CISCA et ses partenaires autour de la remise "
            "officielle du label French Impact à Clermont Auvergne Métropole, avec une table "
            "ronde et plusieurs interventions.\n\n"
            "Les horaires sont des valeurs de démonstration : les articles ne donnent que la "
            "date ; ils ne nomment pas non plus le lieu."
        ),
    },
]

# Demo accounts (not people from the articles), so that the planning board can be tried.
DEMO_ORGANISERS: list[OrganiserAccountEntry] = [
    {
        "email": "equipe.roubaix@tournee.example",
        "name": "Équipe de Roubaix (démo)",
        "territories": ["roubaix"],
    },
    # A second organiser of Roubaix and an observer, so that a team can be seen at work.
    {
        "email": "membre.roubaix@tournee.example",
        "name": "Membre de l’équipe de Roubaix (démo)",
        "territories": ["roubaix"],
        "team_role": "member",
    },
    {
        "email": "observation.roubaix@tournee.example",
        "name": "Observation à Roubaix (démo)",
        "territories": ["roubaix"],
        "team_role": "observer",
    },
    {
        "email": "equipe.clermont@tournee.example",
        "name": "Équipe de Clermont-Ferrand (démo)",
        "territories": ["clermont-ferrand"],
    },
]

# The national team's demo account: plans every territory, administers no account.
DEMO_COORDINATOR = {
    "email": "coordination@tournee.example",
    "name": "Coordination nationale (démo)",
}

# Speakers as the articles name them; no e-mail (none is published), no invented biography.
SPEAKERS: list[SpeakerEntry] = [
    {
        "name": "Christophe Itier",
        "title": "Haut-Commissaire à l’économie sociale et solidaire et à l’innovation sociale",
        "organisation": "Haut-Commissariat à l’ESS et à l’innovation sociale",
        "territory": None,
        "biography": (
            "A lancé en juillet 2018 l’appel à manifestation d’intérêt (AMI) « Territoire "
            "French Impact » et dévoilé le 25 février 2019, au Solilab à Nantes, les 20 "
            "premiers territoires labellisés."
        ),
    },
    {
        "name": "Mathias Bernard",
        "title": "Président de l’Université Clermont-Auvergne, co-président du CISCA",
        "organisation": "Université Clermont-Auvergne",
        "territory": "clermont-ferrand",
    },
    {
        "name": "Emmanuelle Perrone",
        "title": "Directrice de la SCIC Epicentre, co-présidente du CISCA",
        "organisation": "SCIC Epicentre",
        "territory": "clermont-ferrand",
    },
    {
        "name": "Marion Canales",
        "title": (
            "Conseillère métropolitaine, adjointe au maire de Clermont-Ferrand en charge de "
            "l’économie sociale et solidaire, co-présidente du CISCA"
        ),
        "organisation": "Clermont Auvergne Métropole",
        "territory": "clermont-ferrand",
    },
    {
        "name": "Olivier Bianchi",
        "title": "Président de Clermont Auvergne Métropole",
        "organisation": "Clermont Auvergne Métropole",
        "territory": "clermont-ferrand",
    },
    {
        "name": "Nicolas Duracka",
        "title": "Coordinateur du CISCA",
        "organisation": "CISCA",
        "territory": "clermont-ferrand",
        "biography": (
            "A travaillé à l’Institut Godin sur l’élaboration du label French Impact et des "
            "pionniers."
        ),
    },
]

# The High Commissioner speaks at every documented stop.
TOUR_SPEAKER = "Christophe Itier"

ROUND_TABLES: list[RoundTableEntry] = [
    {
        "territory": "clermont-ferrand",
        "title": "Table ronde autour de la remise officielle du label French Impact",
        "start": "14:30",
        "end": "16:00",
        "description": (
            "Table ronde organisée par l’association CISCA et ses partenaires autour de la "
            "remise officielle du label French Impact à Clermont Auvergne Métropole.\n\n"
            "Les horaires, la modération par Nicolas Duracka et l’ordre de parole sont des "
            "valeurs de démonstration : les articles citent les intervenant·es sans préciser "
            "leur rôle."
        ),
        # (speaker, role): roles are demo values, as the description says.
        "participants": [
            ("Nicolas Duracka", "moderator"),
            ("Mathias Bernard", "panelist"),
            ("Emmanuelle Perrone", "panelist"),
            ("Marion Canales", "panelist"),
            ("Olivier Bianchi", "panelist"),
        ],
    }
]

# The articles announce cross-territory work on shared challenges but give no date, place or
# programme: these workshops are examples, dated from the day the demo is loaded so that
# registration is open, and each one says so.
EXAMPLE_NOTE = (
    "Exemple de démonstration : les articles annoncent que les territoires French Impact "
    "travailleront ensemble sur des défis communs, sans en donner ni la date, ni le lieu, ni le "
    "programme. Cet atelier, sa date et ses inscriptions sont fictifs."
)
WORKSHOPS: list[WorkshopEntry] = [
    {
        "title": "Mobilités durables : un laboratoire partagé (exemple)",
        "challenge": "mobilites-durables",
        "host": "clermont-ferrand",
        "territories": ["clermont-ferrand", "le-mans-sarthe"],
        "days_from_seed": 30,
        "capacity": 20,
        "facilitators": ["Nicolas Duracka"],
        "description": (
            "Clermont-Ferrand veut devenir le laboratoire des futures mobilités durables ; "
            "Le Mans – Sarthe explore les nouvelles mobilités. Un atelier pour croiser les "
            "deux démarches."
        ),
        "demo_registrations": 4,
    },
    {
        "title": "Structurer la filière du réemploi (exemple)",
        "challenge": "reemploi",
        "host": "nantes-metropole",
        "territories": ["nantes-metropole", "region-bretagne"],
        "days_from_seed": 45,
        "capacity": 12,
        "facilitators": [],
        "description": (
            "Nantes Métropole veut structurer la filière du réemploi ; la Bretagne, des "
            "filières « réemploi-économie circulaire ». Un atelier pour partager les pratiques."
        ),
        # Full, with a waiting list.
        "demo_registrations": 15,
    },
    {
        "title": "Bien vieillir : partager les expérimentations (exemple)",
        "challenge": "bien-vieillir",
        "host": "region-nouvelle-aquitaine",
        "territories": ["region-nouvelle-aquitaine", "le-mans-sarthe", "region-bretagne"],
        "days_from_seed": 60,
        "capacity": 25,
        "facilitators": [],
        "description": (
            "Santé et silver économie en Nouvelle-Aquitaine, « bien vieillir » au Mans – "
            "Sarthe, économie du vieillissement en Bretagne : trois territoires, un défi."
        ),
        "demo_registrations": 0,
    },
]

# The public note of the demo tour's first release (services/demo/seed.py).
FIRST_RELEASE_NOTE = (
    "Première version publiée du programme de la tournée de labellisation 2019 : les étapes "
    "annoncées, leurs tables rondes et les ateliers inter-territoires."
)

# The tour's checklist template: what every stop prepares, and how many days before it.
CHECKLIST: list[tuple[str, int]] = [
    ("Salle réservée", 60),
    ("Accessibilité PMR vérifiée", 45),
    ("Intervenant·es confirmé·es", 30),
    ("Invitations envoyées", 30),
    ("Communiqué de presse", 14),
    ("Traiteur commandé", 14),
    ("Programme imprimé", 7),
    ("Feuilles d’émargement imprimées", 2),
    ("Accueil de la presse", 0),
]
