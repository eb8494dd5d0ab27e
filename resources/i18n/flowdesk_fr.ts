<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en">
<context>
    <name>App</name>
    <message>
        <source>FlowDesk cannot start</source>
        <translation>FlowDesk ne peut pas démarrer</translation>
    </message>
</context>
<context>
    <name>AppLogView</name>
    <message>
        <source>Search the log…</source>
        <translation>Rechercher dans le journal…</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>Suivre</translation>
    </message>
    <message>
        <source>Keep the newest line in view</source>
        <translation>Garder la dernière ligne visible</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Effacer</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Journaux</translation>
    </message>
    <message>
        <source>What FlowDesk itself logs shows up here as it happens: the scheduler firing, webhooks arriving, the workspace reloading, warnings and errors. A quiet log is a good sign. What a workflow prints is in each run&apos;s log, in Runs.</source>
        <translation>Ce que FlowDesk lui-même journalise s&apos;affiche ici en direct : le planificateur qui se déclenche, les webhooks qui arrivent, l&apos;espace de travail qui se recharge, les avertissements et les erreurs. Un journal calme est bon signe. Ce qu&apos;un workflow affiche se trouve dans le journal de chaque exécution, dans Exécutions.</translation>
    </message>
    <message>
        <source>What FlowDesk itself logs; each run&apos;s own log is in Runs</source>
        <translation>Ce que FlowDesk lui-même journalise ; le journal de chaque exécution est dans Exécutions</translation>
    </message>
    <message>
        <source>Level:</source>
        <translation>Niveau :</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Copy the lines shown, e.g. into a bug report</source>
        <translation>Copier les lignes affichées, par exemple dans un rapport de bogue</translation>
    </message>
    <message>
        <source>Empty the view (new lines keep coming)</source>
        <translation>Vider la vue (les nouvelles lignes continuent d&apos;arriver)</translation>
    </message>
    <message>
        <source>No log lines yet</source>
        <translation>Aucune ligne de journal pour l&apos;instant</translation>
    </message>
    <message>
        <source>Open the runs</source>
        <translation>Ouvrir les exécutions</translation>
    </message>
    <message>
        <source>%1 line(s) shown · %2 kept (the last %3)</source>
        <translation>%1 ligne(s) affichée(s) · %2 conservée(s) (les %3 dernières)</translation>
    </message>
    <message>
        <source>No line matches</source>
        <translation>Aucune ligne ne correspond</translation>
    </message>
    <message>
        <source>None of the %1 line(s) kept is at this level with these words.</source>
        <translation>Aucune des %1 ligne(s) conservée(s) n&apos;est à ce niveau avec ces mots.</translation>
    </message>
    <message>
        <source>Show every line</source>
        <translation>Afficher toutes les lignes</translation>
    </message>
</context>
<context>
    <name>BuiltinTools</name>
    <message>
        <source>date, time, iso, weekday, timestamp</source>
        <translation>date, time, iso, weekday, timestamp</translation>
    </message>
    <message>
        <source>Mardi 31 Décembre 2024 (locale fr_FR)</source>
        <translation>Mardi 31 Décembre 2024 (locale fr_FR)</translation>
    </message>
    <message>
        <source>Google Calendar events: list, create, update and delete (REST API, OAuth 2.0).</source>
        <translation>Événements Google Agenda : lister, créer, modifier et supprimer (API REST, OAuth 2.0).</translation>
    </message>
    <message>
        <source>Relative date calculation with smart handling of days, weeks and weekdays</source>
        <translation>Calcul de dates relatives avec logique intelligente pour jours, semaines et weekdays</translation>
    </message>
    <message>
        <source>Computes a date relative to today, with a smart description</source>
        <translation>Calcule une date relative à aujourd&apos;hui avec descriptions intelligentes</translation>
    </message>
    <message>
        <source>Number of days to add or subtract (default: 0)</source>
        <translation>Nombre de jours à ajouter/soustraire (défaut: 0)</translation>
    </message>
    <message>
        <source>Number of weeks to add or subtract (default: 0)</source>
        <translation>Nombre de semaines à ajouter/soustraire (défaut: 0)</translation>
    </message>
    <message>
        <source>Target day of the week (0=Monday, 6=Sunday) - lower priority than days/weeks</source>
        <translation>Jour de la semaine cible (0=lundi, 6=dimanche) - priorité moindre que days/weeks</translation>
    </message>
    <message>
        <source>Date format wanted (default: %d/%m/%Y)</source>
        <translation>Format de date désiré (défaut: %d/%m/%Y)</translation>
    </message>
    <message>
        <source>Today&apos;s date</source>
        <translation>Date d&apos;aujourd&apos;hui</translation>
    </message>
    <message>
        <source>Tomorrow, described as &apos;tomorrow&apos;</source>
        <translation>Demain avec description &apos;tomorrow&apos;</translation>
    </message>
    <message>
        <source>In one week</source>
        <translation>Dans une semaine</translation>
    </message>
    <message>
        <source>Next Monday</source>
        <translation>Prochain lundi</translation>
    </message>
    <message>
        <source>In 7 days, in ISO format</source>
        <translation>Dans 7 jours au format ISO</translation>
    </message>
    <message>
        <source>In 2 weeks and 3 days</source>
        <translation>Dans 2 semaines et 3 jours</translation>
    </message>
    <message>
        <source>Current date and time in the profile&apos;s time zone</source>
        <translation>Date et heure actuelles dans le fuseau du profil</translation>
    </message>
    <message>
        <source>Date format (default: the profile&apos;s default_format)</source>
        <translation>Format de la date (défaut: default_format du profil)</translation>
    </message>
    <message>
        <source>IANA time zone (default: the profile&apos;s timezone)</source>
        <translation>Fuseau horaire IANA (défaut: timezone du profil)</translation>
    </message>
    <message>
        <source>Today&apos;s date in UTC, in ISO format</source>
        <translation>Date du jour en UTC au format ISO</translation>
    </message>
    <message>
        <source>Reformats a date (ISO by default, or as input_format says)</source>
        <translation>Reformate une date (ISO par défaut, ou selon input_format)</translation>
    </message>
    <message>
        <source>Date to format (required), e.g. 2024-12-31 or 2024-12-31T14:30:00</source>
        <translation>Date à formater (requis), ex: 2024-12-31 ou 2024-12-31T14:30:00</translation>
    </message>
    <message>
        <source>Format of the input date (default: ISO 8601)</source>
        <translation>Format de la date d&apos;entrée (défaut: ISO 8601)</translation>
    </message>
    <message>
        <source>Output format (default: the profile&apos;s default_format)</source>
        <translation>Format de sortie (défaut: default_format du profil)</translation>
    </message>
    <message>
        <source>31/12/2024 with the DEFAULT profile</source>
        <translation>31/12/2024 avec le profil DEFAULT</translation>
    </message>
    <message>
        <source>Complete email handling over SMTP/IMAP: sending and receiving (text, HTML, Markdown, attachments, bulk sending)</source>
        <translation>Gestion complète d&apos;emails avec support SMTP/IMAP pour envoi et réception (texte, HTML, Markdown, pièces jointes, envoi groupé)</translation>
    </message>
    <message>
        <source>Sends an email over SMTP, with CC, BCC, HTML/Markdown and attachments</source>
        <translation>Envoie un email via SMTP avec support CC, BCC, HTML/Markdown et pièces jointes</translation>
    </message>
    <message>
        <source>Recipients (required): a list or a comma-separated string</source>
        <translation>Destinataires (requis): liste ou string séparée par des virgules</translation>
    </message>
    <message>
        <source>Subject of the email</source>
        <translation>Sujet de l&apos;email</translation>
    </message>
    <message>
        <source>Body of the message (text, HTML or Markdown, as format says)</source>
        <translation>Corps du message (texte, HTML ou Markdown selon format)</translation>
    </message>
    <message>
        <source>text | html | markdown (default: text); markdown is converted to HTML with a text version</source>
        <translation>text | html | markdown (défaut: text); markdown est converti en HTML avec une version texte</translation>
    </message>
    <message>
        <source>Copy (optional): list of addresses</source>
        <translation>Copie (optionnel): liste d&apos;emails</translation>
    </message>
    <message>
        <source>Blind copy (optional): list of addresses (never in the headers)</source>
        <translation>Copie cachée (optionnel): liste d&apos;emails (jamais dans les en-têtes)</translation>
    </message>
    <message>
        <source>Attachments (optional): file paths or {filename, content_base64, content_type} objects</source>
        <translation>Pièces jointes (optionnel): chemins de fichiers ou objets {filename, content_base64, content_type}</translation>
    </message>
    <message>
        <source>Reply-to address (optional)</source>
        <translation>Adresse de réponse (optionnel)</translation>
    </message>
    <message>
        <source>Sender name shown (default: the profile&apos;s from_name)</source>
        <translation>Nom d&apos;expéditeur affiché (défaut: from_name du profil)</translation>
    </message>
    <message>
        <source>Markdown: let raw HTML through (default: false, HTML is shown as text)</source>
        <translation>Markdown: laisser passer le HTML brut (défaut: false, le HTML est affiché comme du texte)</translation>
    </message>
    <message>
        <source>Sends one personalised email per recipient ({name}, {email} and any variable of the recipient)</source>
        <translation>Envoie un email personnalisé par destinataire ({name}, {email} et toute variable du destinataire)</translation>
    </message>
    <message>
        <source>Recipients (required): list of addresses or of {email, name, ...variables} objects</source>
        <translation>Destinataires (requis): liste d&apos;adresses ou d&apos;objets {email, name, ...variables}</translation>
    </message>
    <message>
        <source>Subject template, e.g. Hello {name}</source>
        <translation>Modèle de sujet, ex: Bonjour {name}</translation>
    </message>
    <message>
        <source>Body template with {variables}</source>
        <translation>Modèle de corps avec des {variables}</translation>
    </message>
    <message>
        <source>text | html | markdown (default: text)</source>
        <translation>text | html | markdown (défaut: text)</translation>
    </message>
    <message>
        <source>Variables shared by every recipient (optional)</source>
        <translation>Variables communes à tous les destinataires (optionnel)</translation>
    </message>
    <message>
        <source>Attachments for everyone (optional)</source>
        <translation>Pièces jointes communes (optionnel)</translation>
    </message>
    <message>
        <source>Pause between two emails, 0-10 s (optional)</source>
        <translation>Pause entre deux envois, 0-10 s (optionnel)</translation>
    </message>
    <message>
        <source>Fetches emails over IMAP with filters (without marking them read)</source>
        <translation>Récupère les emails via IMAP avec filtres (sans les marquer comme lus)</translation>
    </message>
    <message>
        <source>IMAP folder (default: INBOX)</source>
        <translation>Dossier IMAP (défaut: INBOX)</translation>
    </message>
    <message>
        <source>Number of emails (1-100, default: 10), newest first</source>
        <translation>Nombre d&apos;emails (1-100, défaut: 10), les plus récents d&apos;abord</translation>
    </message>
    <message>
        <source>Unread only (default: false)</source>
        <translation>Seulement non lus (défaut: false)</translation>
    </message>
    <message>
        <source>Search in the subject (optional)</source>
        <translation>Recherche dans le sujet (optionnel)</translation>
    </message>
    <message>
        <source>Mark the emails read (default: false)</source>
        <translation>Marquer les emails lus (défaut: false)</translation>
    </message>
    <message>
        <source>Include the full text (default: true; the snippet is always there)</source>
        <translation>Inclure le texte complet (défaut: true; snippet toujours présent)</translation>
    </message>
    <message>
        <source>Lists the calendar&apos;s upcoming events</source>
        <translation>Liste les événements à venir du calendrier</translation>
    </message>
    <message>
        <source>Number of events (default: 10; past 250, read over several pages, 2500 at most)</source>
        <translation>Nombre d&apos;événements (défaut: 10 ; au-delà de 250, lus sur plusieurs pages, 2500 au plus)</translation>
    </message>
    <message>
        <source>Calendar ID (optional, the default config is used)</source>
        <translation>ID du calendrier (optionnel, utilise la config par défaut)</translation>
    </message>
    <message>
        <source>Start of the window, ISO 8601 (optional, default: now)</source>
        <translation>Début de la fenêtre, ISO 8601 (optionnel, défaut: maintenant)</translation>
    </message>
    <message>
        <source>End of the window, ISO 8601 (optional)</source>
        <translation>Fin de la fenêtre, ISO 8601 (optionnel)</translation>
    </message>
    <message>
        <source>Text to search for in the events (optional)</source>
        <translation>Texte à rechercher dans les événements (optionnel)</translation>
    </message>
    <message>
        <source>Creates a new event in the calendar</source>
        <translation>Crée un nouvel événement dans le calendrier</translation>
    </message>
    <message>
        <source>Title of the event (required)</source>
        <translation>Titre de l&apos;événement (requis)</translation>
    </message>
    <message>
        <source>Start date/time in ISO format (required): 2024-07-01T10:00:00</source>
        <translation>Date/heure de début au format ISO (requis): 2024-07-01T10:00:00</translation>
    </message>
    <message>
        <source>End date/time in ISO format (required): 2024-07-01T11:00:00</source>
        <translation>Date/heure de fin au format ISO (requis): 2024-07-01T11:00:00</translation>
    </message>
    <message>
        <source>Description of the event (optional)</source>
        <translation>Description de l&apos;événement (optionnel)</translation>
    </message>
    <message>
        <source>Location of the event (optional)</source>
        <translation>Lieu de l&apos;événement (optionnel)</translation>
    </message>
    <message>
        <source>Email addresses of the attendees (optional): [&quot;user1@example.com&quot;]</source>
        <translation>Liste d&apos;emails des participants (optionnel): [&quot;user1@example.com&quot;]</translation>
    </message>
    <message>
        <source>Calendar ID (optional)</source>
        <translation>ID du calendrier (optionnel)</translation>
    </message>
    <message>
        <source>IANA zone of times without an offset (optional, default: the profile&apos;s)</source>
        <translation>Fuseau IANA des heures sans décalage (optionnel, défaut: celui du profil)</translation>
    </message>
    <message>
        <source>Updates an existing event</source>
        <translation>Met à jour un événement existant</translation>
    </message>
    <message>
        <source>ID of the event to change (required)</source>
        <translation>ID de l&apos;événement à modifier (requis)</translation>
    </message>
    <message>
        <source>New title (optional)</source>
        <translation>Nouveau titre (optionnel)</translation>
    </message>
    <message>
        <source>New start date/time (optional)</source>
        <translation>Nouvelle date/heure de début (optionnel)</translation>
    </message>
    <message>
        <source>New end date/time (optional)</source>
        <translation>Nouvelle date/heure de fin (optionnel)</translation>
    </message>
    <message>
        <source>New description (optional)</source>
        <translation>Nouvelle description (optionnel)</translation>
    </message>
    <message>
        <source>New location (optional)</source>
        <translation>Nouveau lieu (optionnel)</translation>
    </message>
    <message>
        <source>New list of attendees (optional)</source>
        <translation>Nouvelle liste de participants (optionnel)</translation>
    </message>
    <message>
        <source>Deletes an event from the calendar</source>
        <translation>Supprime un événement du calendrier</translation>
    </message>
    <message>
        <source>ID of the event to delete (required)</source>
        <translation>ID de l&apos;événement à supprimer (requis)</translation>
    </message>
    <message>
        <source>Google Drive files: list and read metadata (REST API v3, OAuth 2.0).</source>
        <translation>Fichiers Google Drive : lister et lire les métadonnées (API REST v3, OAuth 2.0).</translation>
    </message>
    <message>
        <source>Lists files, newest first, optionally filtered by a Drive query</source>
        <translation>Liste les fichiers, les plus récents d&apos;abord, éventuellement filtrés par une requête Drive</translation>
    </message>
    <message>
        <source>Drive search query, e.g. name contains &apos;report&apos; (optional)</source>
        <translation>Requête de recherche Drive, ex : name contains &apos;report&apos; (optionnel)</translation>
    </message>
    <message>
        <source>Number of files (1-1000, default 20)</source>
        <translation>Nombre de fichiers (1-1000, défaut : 20)</translation>
    </message>
    <message>
        <source>Sort order (default modifiedTime desc)</source>
        <translation>Ordre de tri (défaut : modifiedTime desc)</translation>
    </message>
    <message>
        <source>Token of the next page (optional)</source>
        <translation>Jeton de la page suivante (optionnel)</translation>
    </message>
    <message>
        <source>Metadata of one file</source>
        <translation>Métadonnées d&apos;un fichier</translation>
    </message>
    <message>
        <source>File ID (required)</source>
        <translation>ID du fichier (requis)</translation>
    </message>
    <message>
        <source>Fields to return (optional)</source>
        <translation>Champs à renvoyer (optionnel)</translation>
    </message>
    <message>
        <source>Google Sheets values: read a range, append rows (REST API v4, OAuth 2.0).</source>
        <translation>Valeurs Google Sheets : lire une plage, ajouter des lignes (API REST v4, OAuth 2.0).</translation>
    </message>
    <message>
        <source>Reads the values of a range</source>
        <translation>Lit les valeurs d&apos;une plage</translation>
    </message>
    <message>
        <source>Spreadsheet ID (optional when the profile has one)</source>
        <translation>ID du classeur (optionnel quand le profil en a un)</translation>
    </message>
    <message>
        <source>A1 range, e.g. Sheet1!A1:C10 (required)</source>
        <translation>Plage A1, ex : Sheet1!A1:C10 (requis)</translation>
    </message>
    <message>
        <source>Appends rows after the last row of a table</source>
        <translation>Ajoute des lignes après la dernière ligne d&apos;un tableau</translation>
    </message>
    <message>
        <source>A1 range of the table, e.g. Sheet1!A:C (required)</source>
        <translation>Plage A1 du tableau, ex : Sheet1!A:C (requis)</translation>
    </message>
    <message>
        <source>List of rows, each a list of cell values (required)</source>
        <translation>Liste de lignes, chacune une liste de valeurs de cellules (requis)</translation>
    </message>
    <message>
        <source>USER_ENTERED (default) or RAW</source>
        <translation>USER_ENTERED (défaut) ou RAW</translation>
    </message>
    <message>
        <source>Notion API (integration token): pages, database rows (data sources, API 2025-09-03), search, page content</source>
        <translation>API Notion (jeton d&apos;intégration) : pages, lignes de bases (sources de données, API 2025-09-03), recherche, contenu des pages</translation>
    </message>
    <message>
        <source>Creates a page: a database row (database_id / data_source_id) or a sub-page (parent_page_id)</source>
        <translation>Crée une page: ligne d&apos;une base (database_id / data_source_id) ou sous-page (parent_page_id)</translation>
    </message>
    <message>
        <source>Parent database (default: the profile&apos;s database_id); its first data source is used</source>
        <translation>Base parente (défaut: database_id du profil); sa première source de données est utilisée</translation>
    </message>
    <message>
        <source>Parent data source (optional, wins over database_id)</source>
        <translation>Source de données parente (optionnel, prioritaire sur database_id)</translation>
    </message>
    <message>
        <source>Parent page instead of a database (optional)</source>
        <translation>Page parente au lieu d&apos;une base (optionnel)</translation>
    </message>
    <message>
        <source>Title of the page (optional: fills the title property)</source>
        <translation>Titre de la page (optionnel: renseigne la propriété de type title)</translation>
    </message>
    <message>
        <source>Properties: plain values {&quot;Status&quot;: &quot;Done&quot;, &quot;Tags&quot;: [&quot;a&quot;]} typed by the schema, or raw Notion objects</source>
        <translation>Propriétés: valeurs simples {&quot;Status&quot;: &quot;Done&quot;, &quot;Tags&quot;: [&quot;a&quot;]} typées selon le schéma, ou objets Notion bruts</translation>
    </message>
    <message>
        <source>Text content: paragraphs separated by an empty line; &apos;# &apos; lines are headings, &apos;- &apos; bullets</source>
        <translation>Contenu texte: paragraphes séparés par une ligne vide; lignes &apos;# &apos; titres, &apos;- &apos; puces</translation>
    </message>
    <message>
        <source>Raw Notion blocks to add (optional)</source>
        <translation>Blocs Notion bruts à ajouter (optionnel)</translation>
    </message>
    <message>
        <source>Icon emoji (optional)</source>
        <translation>Emoji d&apos;icône (optionnel)</translation>
    </message>
    <message>
        <source>Updates the properties, title, icon or archiving of a page</source>
        <translation>Met à jour les propriétés, le titre, l&apos;icône ou l&apos;archivage d&apos;une page</translation>
    </message>
    <message>
        <source>ID or URL of the page (required)</source>
        <translation>ID ou URL de la page (requis)</translation>
    </message>
    <message>
        <source>Properties to change (plain values or Notion objects)</source>
        <translation>Propriétés à changer (valeurs simples ou objets Notion)</translation>
    </message>
    <message>
        <source>true to move to the trash, false to restore (optional)</source>
        <translation>true pour mettre à la corbeille, false pour restaurer (optionnel)</translation>
    </message>
    <message>
        <source>Moves a page to the trash</source>
        <translation>Met une page à la corbeille</translation>
    </message>
    <message>
        <source>Lists the rows of a database with a Notion filter and sorts (plain property values)</source>
        <translation>Liste les lignes d&apos;une base avec filtre et tris Notion (valeurs de propriétés simplifiées)</translation>
    </message>
    <message>
        <source>Database (default: the profile&apos;s database_id)</source>
        <translation>Base (défaut: database_id du profil)</translation>
    </message>
    <message>
        <source>Data source (optional, wins)</source>
        <translation>Source de données (optionnel, prioritaire)</translation>
    </message>
    <message>
        <source>Notion filter, e.g. {&quot;property&quot;: &quot;Status&quot;, &quot;status&quot;: {&quot;equals&quot;: &quot;Done&quot;}}</source>
        <translation>Filtre Notion, ex: {&quot;property&quot;: &quot;Status&quot;, &quot;status&quot;: {&quot;equals&quot;: &quot;Done&quot;}}</translation>
    </message>
    <message>
        <source>Notion sorts, e.g. [{&quot;property&quot;: &quot;Due&quot;, &quot;direction&quot;: &quot;ascending&quot;}]</source>
        <translation>Tris Notion, ex: [{&quot;property&quot;: &quot;Due&quot;, &quot;direction&quot;: &quot;ascending&quot;}]</translation>
    </message>
    <message>
        <source>Number of rows (default: the profile&apos;s page_size; past 100, read over several pages, 1000 at most; with fetch_all: rows per page)</source>
        <translation>Nombre de lignes (défaut: page_size du profil ; au-delà de 100, lues sur plusieurs pages, 1000 au plus ; avec fetch_all : lignes par page)</translation>
    </message>
    <message>
        <source>Next page (next_cursor of a previous call)</source>
        <translation>Page suivante (next_cursor d&apos;un appel précédent)</translation>
    </message>
    <message>
        <source>Follow the pages up to 1000 rows (default: false)</source>
        <translation>Suivre les pages jusqu&apos;à 1000 lignes (défaut: false)</translation>
    </message>
    <message>
        <source>query_database on an explicit data_source_id</source>
        <translation>query_database sur un data_source_id explicite</translation>
    </message>
    <message>
        <source>Data source (required)</source>
        <translation>Source de données (requis)</translation>
    </message>
    <message>
        <source>Notion filter</source>
        <translation>Filtre Notion</translation>
    </message>
    <message>
        <source>Notion sorts</source>
        <translation>Tris Notion</translation>
    </message>
    <message>
        <source>Searches the pages (or databases) shared with the integration, by title</source>
        <translation>Recherche des pages (ou bases) partagées avec l&apos;intégration par titre</translation>
    </message>
    <message>
        <source>Text to search for</source>
        <translation>Texte recherché</translation>
    </message>
    <message>
        <source>page | database (optional)</source>
        <translation>page | database (optionnel)</translation>
    </message>
    <message>
        <source>Number of results (default: 20; past 100, read over several pages)</source>
        <translation>Nombre de résultats (défaut: 20 ; au-delà de 100, lus sur plusieurs pages)</translation>
    </message>
    <message>
        <source>Properties of a page</source>
        <translation>Propriétés d&apos;une page</translation>
    </message>
    <message>
        <source>get_page from a notion.so URL</source>
        <translation>get_page à partir d&apos;une URL notion.so</translation>
    </message>
    <message>
        <source>URL of the page (required)</source>
        <translation>URL de la page (requis)</translation>
    </message>
    <message>
        <source>A page&apos;s top-level blocks and their text</source>
        <translation>Blocs de premier niveau d&apos;une page et leur texte</translation>
    </message>
    <message>
        <source>A database&apos;s title and data sources</source>
        <translation>Titre et sources de données d&apos;une base</translation>
    </message>
    <message>
        <source>A data source&apos;s property schema (API 2025-09-03)</source>
        <translation>Schéma de propriétés d&apos;une source de données (API 2025-09-03)</translation>
    </message>
    <message>
        <source>Data source (default: the profile&apos;s data_source_id)</source>
        <translation>Source de données (défaut: data_source_id du profil)</translation>
    </message>
    <message>
        <source>Adds text (or blocks) at the end of a page; the existing content is kept</source>
        <translation>Ajoute du texte (ou des blocs) à la fin d&apos;une page; le contenu existant est conservé</translation>
    </message>
    <message>
        <source>Text to add (paragraphs, &apos;# &apos; headings, &apos;- &apos; bullets) or Notion blocks (required)</source>
        <translation>Texte à ajouter (paragraphes, &apos;# &apos; titres, &apos;- &apos; puces) ou blocs Notion (requis)</translation>
    </message>
    <message>
        <source>Posts a message (chat.postMessage) in a channel, optionally in a thread</source>
        <translation>Publie un message (chat.postMessage) dans un canal, éventuellement dans un fil</translation>
    </message>
    <message>
        <source>Channel: #name or ID (default: the profile&apos;s channel)</source>
        <translation>Canal: #nom ou ID (défaut: channel du profil)</translation>
    </message>
    <message>
        <source>Text of the message (required unless blocks), Slack mrkdwn</source>
        <translation>Texte du message (requis sauf si blocks), mrkdwn Slack</translation>
    </message>
    <message>
        <source>Block Kit: list of blocks or JSON (optional)</source>
        <translation>Block Kit: liste de blocs ou JSON (optionnel)</translation>
    </message>
    <message>
        <source>ts of the parent message, to reply in a thread (optional)</source>
        <translation>ts du message parent pour répondre dans un fil (optionnel)</translation>
    </message>
    <message>
        <source>Name shown (optional, scope chat:write.customize)</source>
        <translation>Nom affiché (optionnel, scope chat:write.customize)</translation>
    </message>
    <message>
        <source>Avatar emoji, e.g. :robot_face: (optional)</source>
        <translation>Emoji d&apos;avatar, ex: :robot_face: (optionnel)</translation>
    </message>
    <message>
        <source>Reads a channel&apos;s history (conversations.history); #name resolved to an ID through conversations.list</source>
        <translation>Lit l&apos;historique d&apos;un canal (conversations.history); #nom résolu en ID via conversations.list</translation>
    </message>
    <message>
        <source>Number of messages (1-1000, default: min(max_messages, 100))</source>
        <translation>Nombre de messages (1-1000, défaut: min(max_messages, 100))</translation>
    </message>
    <message>
        <source>Earliest ts (optional)</source>
        <translation>ts minimum (optionnel)</translation>
    </message>
    <message>
        <source>Latest ts (optional)</source>
        <translation>ts maximum (optionnel)</translation>
    </message>
    <message>
        <source>Creates a channel (conversations.create)</source>
        <translation>Crée un canal (conversations.create)</translation>
    </message>
    <message>
        <source>Name of the channel (required): lower case, digits, - and _, 80 characters at most</source>
        <translation>Nom du canal (requis): minuscules, chiffres, - et _, 80 caractères max</translation>
    </message>
    <message>
        <source>Private channel (default: false)</source>
        <translation>Canal privé (défaut: false)</translation>
    </message>
    <message>
        <source>Web search (Brave Search API, SerpApi, Tavily or a SearXNG instance) and a page&apos;s text</source>
        <translation>Recherche web (Brave Search API, SerpApi, Tavily ou une instance SearXNG) et extraction du texte d&apos;une page</translation>
    </message>
    <message>
        <source>Web search; returns data.results = [{title, url, snippet}]</source>
        <translation>Recherche web; renvoie data.results = [{title, url, snippet}]</translation>
    </message>
    <message>
        <source>Search terms (required)</source>
        <translation>Termes de recherche (requis)</translation>
    </message>
    <message>
        <source>Number of results (1-100, default: the profile&apos;s max_results; Brave and Tavily: 20 at most)</source>
        <translation>Nombre de résultats (1-100, défaut: max_results du profil; Brave et Tavily: 20 max)</translation>
    </message>
    <message>
        <source>Country code, e.g. FR (optional)</source>
        <translation>Code pays, ex: FR (optionnel)</translation>
    </message>
    <message>
        <source>Language, e.g. fr (optional)</source>
        <translation>Langue, ex: fr (optionnel)</translation>
    </message>
    <message>
        <source>off | moderate | strict (optional)</source>
        <translation>off | moderate | strict (optionnel)</translation>
    </message>
    <message>
        <source>Brave: pd/pw/pm/py; Tavily/SearXNG: day/week/month/year (optional)</source>
        <translation>Brave: pd/pw/pm/py; Tavily/SearXNG: day/week/month/year (optionnel)</translation>
    </message>
    <message>
        <source>Readable text of a web page (title and paragraphs; scripts, styles and menus removed); http/https only</source>
        <translation>Texte lisible d&apos;une page web (titre et paragraphes; scripts, styles, menus retirés); http/https uniquement</translation>
    </message>
    <message>
        <source>Maximum length of the text (default: 20000)</source>
        <translation>Longueur maximale du texte (défaut: 20000)</translation>
    </message>
    <message>
        <source>Sends WhatsApp messages through Meta&apos;s WhatsApp Cloud API (Graph API) and reads the messages received by webhook. The seed used Unipile: its actions send_message_to_chat (number as chat_id), get_conversations and get_contacts (from the inbox) are still available; sync_chat_history has no equivalent.</source>
        <translation>Envoi de messages WhatsApp via la WhatsApp Cloud API de Meta (Graph API) et lecture des messages reçus par webhook. Le seed utilisait Unipile: ses actions send_message_to_chat (numéro comme chat_id), get_conversations et get_contacts (depuis la boîte de réception) restent disponibles; sync_chat_history n&apos;a pas d&apos;équivalent.</translation>
    </message>
    <message>
        <source>Sends a text message (within 24 h of the contact&apos;s last message) or an approved template</source>
        <translation>Envoie un message texte (dans les 24 h suivant le dernier message du contact) ou un modèle approuvé</translation>
    </message>
    <message>
        <source>Recipient number in international format (required), e.g. +33612345678 (alias: phone_number)</source>
        <translation>Numéro du destinataire au format international (requis), ex: +33612345678 (alias: phone_number)</translation>
    </message>
    <message>
        <source>Text of the message (required without template), 4096 characters at most (alias: text)</source>
        <translation>Texte du message (requis sans template), 4096 caractères max (alias: text)</translation>
    </message>
    <message>
        <source>Link preview (default: false)</source>
        <translation>Aperçu des liens (défaut: false)</translation>
    </message>
    <message>
        <source>Name of an approved template, to write outside the 24 h window (optional)</source>
        <translation>Nom d&apos;un modèle approuvé, pour écrire hors de la fenêtre de 24 h (optionnel)</translation>
    </message>
    <message>
        <source>Language of the template (default: en_US)</source>
        <translation>Langue du modèle (défaut: en_US)</translation>
    </message>
    <message>
        <source>Template parameters in the Cloud API format (optional)</source>
        <translation>Paramètres du modèle au format Cloud API (optionnel)</translation>
    </message>
    <message>
        <source>wamid of the message to reply to (optional)</source>
        <translation>wamid du message auquel répondre (optionnel)</translation>
    </message>
    <message>
        <source>Messages received by webhook (newest first), kept by FlowDesk</source>
        <translation>Messages reçus par webhook (les plus récents d&apos;abord), stockés par FlowDesk</translation>
    </message>
    <message>
        <source>Only the messages of this number (optional; alias: phone_number, chat_id)</source>
        <translation>Seulement les messages de ce numéro (optionnel; alias: phone_number, chat_id)</translation>
    </message>
    <message>
        <source>Maximum number (default: 20)</source>
        <translation>Nombre maximum (défaut: 20)</translation>
    </message>
    <message>
        <source>ISO date or duration: 24hours, 7days (optional)</source>
        <translation>Date ISO ou durée: 24hours, 7days (optionnel)</translation>
    </message>
    <message>
        <source>Include the webhook&apos;s raw message object (default: false)</source>
        <translation>Inclure l&apos;objet message brut du webhook (défaut: false)</translation>
    </message>
    <message>
        <source>The seed&apos;s name (Unipile): chat_id = the contact&apos;s number (the chat_id get_conversations returns)</source>
        <translation>Nom du seed (Unipile): chat_id = numéro du contact (chat_id renvoyé par get_conversations)</translation>
    </message>
    <message>
        <source>Contact&apos;s number (required)</source>
        <translation>Numéro du contact (requis)</translation>
    </message>
    <message>
        <source>Text of the message (required)</source>
        <translation>Texte du message (requis)</translation>
    </message>
    <message>
        <source>The seed&apos;s name (Unipile): one entry per contact who wrote, from the inbox</source>
        <translation>Nom du seed (Unipile): une entrée par contact ayant écrit, depuis la boîte de réception</translation>
    </message>
    <message>
        <source>Maximum number of conversations (default: 10)</source>
        <translation>Nombre maximum de conversations (défaut: 10)</translation>
    </message>
    <message>
        <source>The seed&apos;s name (Unipile): contacts who wrote to this number</source>
        <translation>Nom du seed (Unipile): contacts ayant écrit à ce numéro</translation>
    </message>
    <message>
        <source>Maximum number (default: 50)</source>
        <translation>Nombre maximum (défaut: 50)</translation>
    </message>
    <message>
        <source>Status of the sending number at Meta (checks the token live)</source>
        <translation>Statut du numéro émetteur chez Meta (vérifie le token en direct)</translation>
    </message>
    <message>
        <source>Marks a received message as read</source>
        <translation>Marque un message reçu comme lu</translation>
    </message>
    <message>
        <source>wamid of the message (required)</source>
        <translation>wamid du message (requis)</translation>
    </message>
    <message>
        <source>Not supported by the Cloud API (returns a clear error)</source>
        <translation>Non supporté par la Cloud API (renvoie une erreur explicite)</translation>
    </message>
    <message>
        <source>ignored</source>
        <translation>ignoré</translation>
    </message>
    <message>
        <source>YouTube videos and data (YouTube Data API v3, API key)</source>
        <translation>Gestion des vidéos et données YouTube (YouTube Data API v3, clé API)</translation>
    </message>
    <message>
        <source>Searches videos (search.list), then reads views, likes and duration (videos.list)</source>
        <translation>Recherche des vidéos (search.list) puis récupère vues, likes et durée (videos.list)</translation>
    </message>
    <message>
        <source>Search terms (required, unless channel_id is given)</source>
        <translation>Termes de recherche (requis, sauf si channel_id est donné)</translation>
    </message>
    <message>
        <source>Number of videos (default: the profile&apos;s max_results; past 50, read over several pages, 500 at most)</source>
        <translation>Nombre de vidéos (défaut: max_results du profil ; au-delà de 50, lus sur plusieurs pages, 500 au plus)</translation>
    </message>
    <message>
        <source>ISO date (2024-07-01T00:00:00Z) or relative duration: 7days, 24hours, 2weeks (optional)</source>
        <translation>Date ISO (2024-07-01T00:00:00Z) ou durée relative: 7days, 24hours, 2weeks (optionnel)</translation>
    </message>
    <message>
        <source>ISO date or relative duration (optional)</source>
        <translation>Date ISO ou durée relative (optionnel)</translation>
    </message>
    <message>
        <source>date | rating | relevance | title | videoCount | viewCount (default: relevance)</source>
        <translation>date | rating | relevance | title | videoCount | viewCount (défaut: relevance)</translation>
    </message>
    <message>
        <source>ISO 3166-1 alpha-2 country code (default: the profile&apos;s region)</source>
        <translation>Code pays ISO 3166-1 alpha-2 (défaut: region du profil)</translation>
    </message>
    <message>
        <source>Relevance language, e.g. fr (optional)</source>
        <translation>Langue de pertinence, ex: fr (optionnel)</translation>
    </message>
    <message>
        <source>Limit to one channel (optional)</source>
        <translation>Limiter à une chaîne (optionnel)</translation>
    </message>
    <message>
        <source>any | short | medium | long (optional)</source>
        <translation>any | short | medium | long (optionnel)</translation>
    </message>
    <message>
        <source>Next page (next_page_token of a previous call)</source>
        <translation>Page suivante (next_page_token d&apos;un appel précédent)</translation>
    </message>
    <message>
        <source>A video&apos;s details: title, description, statistics, duration, tags</source>
        <translation>Détails d&apos;une vidéo: titre, description, statistiques, durée, tags</translation>
    </message>
    <message>
        <source>Video ID or YouTube URL (required)</source>
        <translation>ID de la vidéo ou URL YouTube (requis)</translation>
    </message>
    <message>
        <source>A channel&apos;s information: title, subscribers, number of videos, uploads playlist</source>
        <translation>Informations d&apos;une chaîne: titre, abonnés, nombre de vidéos, playlist des uploads</translation>
    </message>
    <message>
        <source>Channel ID (UC...), @handle or URL of the channel (required, default: the profile&apos;s default_channel)</source>
        <translation>ID de chaîne (UC...), @handle ou URL de la chaîne (requis, défaut: default_channel du profil)</translation>
    </message>
    <message>
        <source>Slack integration (Web API, bot token): post and read messages, create channels</source>
        <translation>Intégration Slack (Web API, jeton de bot) : publier et lire des messages, créer des canaux</translation>
    </message>
</context>
<context>
    <name>ClusterDemo</name>
    <message>
        <source>stopping the demo…</source>
        <translation>arrêt de la démo…</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>arrêtée</translation>
    </message>
    <message>
        <source>broker    {url}  (embedded Valkey, data in {folder})</source>
        <translation>broker    {url}  (Valkey embarqué, données dans {folder})</translation>
    </message>
    <message>
        <source>database  {url}  (embedded PostgreSQL, data in {folder})</source>
        <translation>base      {url}  (PostgreSQL embarqué, données dans {folder})</translation>
    </message>
    <message>
        <source>
FlowDesk cluster demo: serve and {workers} worker(s) on {workspace}</source>
        <translation>
Démo du cluster FlowDesk : serve et {workers} worker(s) sur {workspace}</translation>
    </message>
    <message>
        <source>  status:  flowdesk cluster status --broker {broker} --database &apos;{database}&apos;</source>
        <translation>  état :   flowdesk cluster status --broker {broker} --database &apos;{database}&apos;</translation>
    </message>
    <message>
        <source>  Flower:  celery --broker {broker} flower   (pip install flower; then http://127.0.0.1:5555)</source>
        <translation>  Flower :  celery --broker {broker} flower   (pip install flower ; puis http://127.0.0.1:5555)</translation>
    </message>
    <message>
        <source>Ctrl+C stops everything.</source>
        <translation>Ctrl+C arrête tout.</translation>
    </message>
    <message>
        <source>{label} exited ({code}): stopping the demo</source>
        <translation>{label} s&apos;est terminé ({code}) : arrêt de la démo</translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <source>Queued</source>
        <translation>En file</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>Déclencheur</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Triggers</source>
        <translation>Déclencheurs</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Planification</translation>
    </message>
    <message>
        <source>Next run</source>
        <translation>Prochaine exécution</translation>
    </message>
    <message>
        <source>Last runs</source>
        <translation>Dernières exécutions</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Cron</source>
        <translation>Cron</translation>
    </message>
    <message>
        <source>In words</source>
        <translation>En clair</translation>
    </message>
    <message>
        <source>Timezone</source>
        <translation>Fuseau horaire</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>Dernière exécution</translation>
    </message>
    <message>
        <source>Last status</source>
        <translation>Dernier statut</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
</context>
<context>
    <name>CommandPalette</name>
    <message>
        <source>Command palette</source>
        <translation>Palette de commandes</translation>
    </message>
    <message>
        <source>Search commands, workflows, tools and runs</source>
        <translation>Rechercher commandes, workflows, outils et exécutions</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Résultats</translation>
    </message>
    <message>
        <source>↑↓ move · Enter run or open · Shift+Enter open instead · Esc close</source>
        <translation>↑↓ se déplacer · Entrée exécuter ou ouvrir · Maj+Entrée ouvrir plutôt · Échap fermer</translation>
    </message>
    <message>
        <source>Search workflows, tools, runs and commands…</source>
        <translation>Rechercher workflows, outils, exécutions et commandes…</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Commandes</translation>
    </message>
    <message>
        <source>Workflows</source>
        <translation>Workflows</translation>
    </message>
    <message>
        <source>Recent runs</source>
        <translation>Exécutions récentes</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Outils</translation>
    </message>
    <message>
        <source>Interfaces</source>
        <translation>Interfaces</translation>
    </message>
    <message>
        <source>Webhook URL copied</source>
        <translation>URL du webhook copiée</translation>
    </message>
    <message>
        <source>Run workflow…</source>
        <translation>Exécuter un workflow…</translation>
    </message>
    <message>
        <source>Copy webhook URL of…</source>
        <translation>Copier l&apos;URL du webhook de…</translation>
    </message>
    <message>
        <source>Reload workspace</source>
        <translation>Recharger l&apos;espace de travail</translation>
    </message>
    <message>
        <source>Open workspace folder</source>
        <translation>Ouvrir le dossier de l&apos;espace de travail</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Run which workflow?</source>
        <translation>Exécuter quel workflow ?</translation>
    </message>
    <message>
        <source>Copy the webhook URL of which workflow?</source>
        <translation>Copier l&apos;URL du webhook de quel workflow ?</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>Inspecter</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Exécuter</translation>
    </message>
    <message>
        <source>Open view: %1</source>
        <translation>Ouvrir la vue : %1</translation>
    </message>
</context>
<context>
    <name>Config</name>
    <message>
        <source>is required</source>
        <translation>est obligatoire</translation>
    </message>
    <message>
        <source>unknown key</source>
        <translation>clé inconnue</translation>
    </message>
    <message>
        <source>must be a string</source>
        <translation>doit être une chaîne de caractères</translation>
    </message>
    <message>
        <source>must be a whole number</source>
        <translation>doit être un nombre entier</translation>
    </message>
    <message>
        <source>must be a number</source>
        <translation>doit être un nombre</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>doit valoir true ou false</translation>
    </message>
    <message>
        <source>must be a list</source>
        <translation>doit être une liste</translation>
    </message>
    <message>
        <source>must be an object</source>
        <translation>doit être un objet</translation>
    </message>
    <message>
        <source>must be at least {bound}</source>
        <translation>doit valoir au moins {bound}</translation>
    </message>
    <message>
        <source>must be greater than {bound}</source>
        <translation>doit être supérieur à {bound}</translation>
    </message>
    <message>
        <source>must be at most {bound}</source>
        <translation>doit valoir au plus {bound}</translation>
    </message>
    <message>
        <source>must be less than {bound}</source>
        <translation>doit être inférieur à {bound}</translation>
    </message>
    <message>
        <source>must be {expected}, not {value}</source>
        <translation>doit valoir {expected}, pas {value}</translation>
    </message>
    <message>
        <source>invalid JSON at line {line} column {column}: {reason}</source>
        <translation>JSON non valide à la ligne {line}, colonne {column} : {reason}</translation>
    </message>
    <message>
        <source>file is empty</source>
        <translation>le fichier est vide</translation>
    </message>
    <message>
        <source>the top level must be a JSON object {...}</source>
        <translation>le premier niveau doit être un objet JSON {...}</translation>
    </message>
    <message>
        <source>file not found</source>
        <translation>fichier introuvable</translation>
    </message>
    <message>
        <source>not UTF-8 text</source>
        <translation>texte non UTF-8</translation>
    </message>
    <message>
        <source>cannot read file: {reason}</source>
        <translation>impossible de lire le fichier : {reason}</translation>
    </message>
    <message>
        <source>an option value must be a string, a number or true/false</source>
        <translation>la valeur d&apos;une option doit être une chaîne, un nombre ou true/false</translation>
    </message>
    <message>
        <source>min/max do not apply to an {type} field</source>
        <translation>min/max ne s&apos;appliquent pas à un champ {type}</translation>
    </message>
    <message>
        <source>min/max do not apply to a {type} field</source>
        <translation>min/max ne s&apos;appliquent pas à un champ {type}</translation>
    </message>
    <message>
        <source>&apos;{name}&apos; is not a valid input name: use letters, digits, _ and -, starting with a letter or _</source>
        <translation>« {name} » n&apos;est pas un nom d&apos;entrée valide : utilisez des lettres, des chiffres, _ et -, en commençant par une lettre ou _</translation>
    </message>
    <message>
        <source>unknown input type &apos;{value}&apos;; use one of: {types}</source>
        <translation>type d&apos;entrée inconnu « {value} » ; utilisez l&apos;un de : {types}</translation>
    </message>
    <message>
        <source>must be a number (or an ISO date for date fields)</source>
        <translation>doit être un nombre (ou une date ISO pour les champs date)</translation>
    </message>
    <message>
        <source>max ({max}) is less than min ({min})</source>
        <translation>max ({max}) est inférieur à min ({min})</translation>
    </message>
    <message>
        <source>must be an ISO {type} string for a {type} field</source>
        <translation>doit être une chaîne {type} ISO pour un champ {type}</translation>
    </message>
    <message>
        <source>must be a number for an {type} field</source>
        <translation>doit être un nombre pour un champ {type}</translation>
    </message>
    <message>
        <source>must be a number for a {type} field</source>
        <translation>doit être un nombre pour un champ {type}</translation>
    </message>
    <message>
        <source>must be a whole number, 0 or more</source>
        <translation>doit être un nombre entier, 0 ou plus</translation>
    </message>
    <message>
        <source>&apos;{bound}&apos; is not an ISO {type}</source>
        <translation>« {bound} » n&apos;est pas au format ISO {type}</translation>
    </message>
    <message>
        <source>an {type} field needs options</source>
        <translation>un champ {type} a besoin d&apos;options</translation>
    </message>
    <message>
        <source>a {type} field needs options</source>
        <translation>un champ {type} a besoin d&apos;options</translation>
    </message>
    <message>
        <source>duplicate option value {value}</source>
        <translation>valeur d&apos;option en double {value}</translation>
    </message>
    <message>
        <source>default value is invalid: {reason}</source>
        <translation>la valeur par défaut n&apos;est pas valide : {reason}</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; must start with /</source>
        <translation>« {value} » doit commencer par /</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; must not contain . or .. segments</source>
        <translation>« {value} » ne doit pas contenir de segments . ou ..</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; may only use letters, digits and - _ . ~ /</source>
        <translation>« {value} » ne peut utiliser que des lettres, des chiffres et - _ . ~ /</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; must not contain //</source>
        <translation>« {value} » ne doit pas contenir //</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; is reserved for FlowDesk&apos;s own routes (/{first})</source>
        <translation>« {value} » est réservé aux routes de FlowDesk (/{first})</translation>
    </message>
    <message>
        <source>{value} must not contain a NUL character</source>
        <translation>{value} ne doit pas contenir de caractère NUL</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; is an absolute path; give a folder inside the interface folder, e.g. src</source>
        <translation>« {value} » est un chemin absolu ; indiquez un dossier dans le dossier de l&apos;interface, par exemple src</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; leads outside the interface folder (.. is not allowed)</source>
        <translation>« {value} » sort du dossier de l&apos;interface (.. n&apos;est pas autorisé)</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; names a hidden folder ({hidden}); hidden files are never served</source>
        <translation>« {value} » désigne un dossier caché ({hidden}) ; les fichiers cachés ne sont jamais servis</translation>
    </message>
    <message>
        <source>must name a folder inside the interface folder, e.g. src</source>
        <translation>doit désigner un dossier dans le dossier de l&apos;interface, par exemple src</translation>
    </message>
    <message>
        <source>parameters must be an object {name: description} or a list</source>
        <translation>parameters doit être un objet {name: description} ou une liste</translation>
    </message>
    <message>
        <source>must be an object {action: {...}} or a list of actions</source>
        <translation>doit être un objet {action: {...}} ou une liste d&apos;actions</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; is not a Python class name</source>
        <translation>« {value} » n&apos;est pas un nom de classe Python</translation>
    </message>
    <message>
        <source>action &apos;{name}&apos; must be an object</source>
        <translation>l&apos;action « {name} » doit être un objet</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; is not a valid environment variable name</source>
        <translation>« {value} » n&apos;est pas un nom de variable d&apos;environnement valide</translation>
    </message>
    <message>
        <source>give either secret or secret_env, not both</source>
        <translation>indiquez secret ou secret_env, pas les deux</translation>
    </message>
    <message>
        <source>auth &apos;{auth}&apos; needs a secret or a secret_env variable name</source>
        <translation>auth « {auth} » a besoin de secret ou d&apos;un nom de variable secret_env</translation>
    </message>
    <message>
        <source>a signed timestamp needs auth &apos;hmac&apos;</source>
        <translation>un horodatage signé nécessite auth « hmac »</translation>
    </message>
    <message>
        <source>unknown trigger {trigger}; use {triggers}</source>
        <translation>déclencheur inconnu {trigger} ; utilisez {triggers}</translation>
    </message>
    <message>
        <source>duplicate input name &apos;{name}&apos;</source>
        <translation>nom d&apos;entrée en double « {name} »</translation>
    </message>
    <message>
        <source>unknown time zone &apos;{value}&apos; (use an IANA name such as Europe/Paris)</source>
        <translation>fuseau horaire inconnu « {value} » (utilisez un nom IANA comme Europe/Paris)</translation>
    </message>
    <message>
        <source>{path}: {field}: {message}</source>
        <translation>{path} : {field} : {message}</translation>
    </message>
    <message>
        <source>{where}: {message}</source>
        <translation>{where} : {message}</translation>
    </message>
    <message>
        <source>{first}
{rest}</source>
        <translation>{first}
{rest}</translation>
    </message>
</context>
<context>
    <name>ConfigEditor</name>
    <message>
        <source>Edit %1 — config.json</source>
        <translation>Modifier %1 — config.json</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Général</translation>
    </message>
    <message>
        <source>Runs missed while FlowDesk was closed or the machine asleep: skip them, or run once when it is back.</source>
        <translation>Exécutions manquées pendant que FlowDesk était fermé ou la machine en veille : les ignorer, ou exécuter une fois au retour.</translation>
    </message>
    <message>
        <source>Missed runs:</source>
        <translation>Exécutions manquées :</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Planification</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Outils</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>Entrées</translation>
    </message>
    <message>
        <source>Active (scheduled runs and webhooks are allowed)</source>
        <translation>Actif (exécutions planifiées et webhooks autorisés)</translation>
    </message>
    <message>
        <source>app default</source>
        <translation>défaut de l&apos;application</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Description :</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>Catégorie :</translation>
    </message>
    <message>
        <source>Triggers:</source>
        <translation>Déclencheurs :</translation>
    </message>
    <message>
        <source>Timeout:</source>
        <translation>Délai d&apos;expiration :</translation>
    </message>
    <message>
        <source>Max instances:</source>
        <translation>Nombre max. d&apos;instances :</translation>
    </message>
</context>
<context>
    <name>CopyButton</name>
    <message>
        <source>Copied</source>
        <translation>Copié</translation>
    </message>
</context>
<context>
    <name>Cron</name>
    <message>
        <source>empty cron expression</source>
        <translation>expression cron vide</translation>
    </message>
    <message>
        <source>unknown macro {macro} (use one of {macros})</source>
        <translation>macro inconnue {macro} (utilisez l&apos;une de {macros})</translation>
    </message>
    <message>
        <source>expected 5 fields ({fields}), got {count}: {expression}</source>
        <translation>5 champs attendus ({fields}), {count} reçus : {expression}</translation>
    </message>
    <message>
        <source>unknown timezone {name} (use an IANA name such as Europe/Paris)</source>
        <translation>fuseau horaire inconnu {name} (utilisez un nom IANA comme Europe/Paris)</translation>
    </message>
</context>
<context>
    <name>DailyUseHooks</name>
    <message>
        <source>Command palette…</source>
        <translation>Palette de commandes…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
</context>
<context>
    <name>Dependencies</name>
    <message>
        <source>Reading the requirement files</source>
        <translation>Lecture des fichiers de dépendances</translation>
    </message>
    <message>
        <source>Resolving with {installer}</source>
        <translation>Résolution avec {installer}</translation>
    </message>
    <message>
        <source>Installed {count} package(s) into {folder}</source>
        <translation>{count} paquet(s) installé(s) dans {folder}</translation>
    </message>
    <message>
        <source>Nothing to install</source>
        <translation>Rien à installer</translation>
    </message>
    <message>
        <source>Installing {count} package(s)</source>
        <translation>Installation de {count} paquet(s)</translation>
    </message>
    <message>
        <source>Could not copy the lock into the workspace: {reason}</source>
        <translation>Impossible de copier le verrou dans l&apos;espace de travail : {reason}</translation>
    </message>
    <message>
        <source>{path}: cannot be read: {reason}</source>
        <translation>{path} : illisible : {reason}</translation>
    </message>
    <message>
        <source>{path}: line {line}: option {option} is not supported here; list one package per line (index settings belong in uv&apos;s configuration)</source>
        <translation>{path} : ligne {line} : l&apos;option {option} n&apos;est pas prise en charge ici ; indiquez un paquet par ligne (les réglages d&apos;index relèvent de la configuration de uv)</translation>
    </message>
    <message>
        <source>{path}: line {line}: &apos;{content}&apos; is not a valid requirement: {reason}</source>
        <translation>{path} : ligne {line} : « {content} » n&apos;est pas une dépendance valide : {reason}</translation>
    </message>
    <message>
        <source>install it with `flowdesk deps install` or the Install button</source>
        <translation>installez-la avec `flowdesk deps install` ou le bouton Installer</translation>
    </message>
    <message>
        <source>{where}: missing dependency {module} ({package}); {hint}</source>
        <translation>{where} : dépendance manquante {module} ({package}) ; {hint}</translation>
    </message>
    <message>
        <source>{where}: FlowDesk&apos;s own {package} {installed} is imported first and does not satisfy it; relax the requirement</source>
        <translation>{where} : le {package} {installed} de FlowDesk est importé en premier et ne convient pas ; assouplissez la contrainte</translation>
    </message>
    <message>
        <source>{where}: missing dependency {module} ({package}) ({installed} is installed); {hint}</source>
        <translation>{where} : dépendance manquante {module} ({package}) ({installed} est installé) ; {hint}</translation>
    </message>
</context>
<context>
    <name>DepsBanner</name>
    <message>
        <source>missing dependency %1</source>
        <translation>dépendance manquante %1</translation>
    </message>
    <message>
        <source>missing dependencies %1</source>
        <translation>dépendances manquantes %1</translation>
    </message>
    <message>
        <source>Install</source>
        <translation>Installer</translation>
    </message>
    <message>
        <source>Install the workspace&apos;s missing requirements into its own environment</source>
        <translation>Installer les dépendances manquantes de l&apos;espace de travail dans son propre environnement</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>Not installed: %1</source>
        <translation>Non installé : %1</translation>
    </message>
    <message>
        <source>Install failed: %1</source>
        <translation>Échec de l&apos;installation : %1</translation>
    </message>
</context>
<context>
    <name>ErrorView</name>
    <message>
        <source>Error and traceback</source>
        <translation>Erreur et traceback</translation>
    </message>
</context>
<context>
    <name>FirstStart</name>
    <message>
        <source>Welcome to FlowDesk</source>
        <translation>Bienvenue dans FlowDesk</translation>
    </message>
    <message>
        <source>FlowDesk keeps your workflows, tools and pages in a workspace folder.</source>
        <translation>FlowDesk garde vos workflows, outils et pages dans un dossier « espace de travail ».</translation>
    </message>
    <message>
        <source>Create with examples</source>
        <translation>Créer avec des exemples</translation>
    </message>
    <message>
        <source>Choose a folder…</source>
        <translation>Choisir un dossier…</translation>
    </message>
    <message>
        <source>Workspace folder</source>
        <translation>Dossier de l&apos;espace de travail</translation>
    </message>
    <message>
        <source>Create one at %1 with a few example workflows to start from?</source>
        <translation>En créer un dans %1 avec quelques workflows d&apos;exemple pour commencer ?</translation>
    </message>
</context>
<context>
    <name>InputValidation</name>
    <message>
        <source>must be a whole number</source>
        <translation>doit être un nombre entier</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>doit valoir true ou false</translation>
    </message>
    <message>
        <source>choose one of: {choices}</source>
        <translation>choisissez parmi : {choices}</translation>
    </message>
    <message>
        <source>must be a single value</source>
        <translation>doit être une seule valeur</translation>
    </message>
    <message>
        <source>must be text</source>
        <translation>doit être du texte</translation>
    </message>
    <message>
        <source>not a valid email address</source>
        <translation>adresse e-mail non valide</translation>
    </message>
    <message>
        <source>not a valid URL (it must start with http://, https:// or ftp:// and name a host)</source>
        <translation>URL non valide (elle doit commencer par http://, https:// ou ftp:// et nommer un hôte)</translation>
    </message>
    <message>
        <source>must be at least {bound}</source>
        <translation>doit valoir au moins {bound}</translation>
    </message>
    <message>
        <source>must be at most {bound}</source>
        <translation>doit valoir au plus {bound}</translation>
    </message>
    <message>
        <source>must be a number</source>
        <translation>doit être un nombre</translation>
    </message>
    <message>
        <source>must be on or after {bound}</source>
        <translation>doit être le {bound} ou après</translation>
    </message>
    <message>
        <source>must be on or before {bound}</source>
        <translation>doit être le {bound} ou avant</translation>
    </message>
    <message>
        <source>must be a JSON object</source>
        <translation>doit être un objet JSON</translation>
    </message>
    <message>
        <source>must be JSON data (object, list, text, number or true/false)</source>
        <translation>doit être une donnée JSON (objet, liste, texte, nombre ou true/false)</translation>
    </message>
    <message>
        <source>is required</source>
        <translation>est obligatoire</translation>
    </message>
    <message>
        <source>must be a list of choices</source>
        <translation>doit être une liste de choix</translation>
    </message>
    <message>
        <source>must be a date like 2024-12-31</source>
        <translation>doit être une date comme 2024-12-31</translation>
    </message>
    <message>
        <source>must be a date and time like 2024-12-31T09:30</source>
        <translation>doit être une date et une heure comme 2024-12-31T09:30</translation>
    </message>
    <message>
        <source>not valid JSON ({reason} at line {line} column {column})</source>
        <translation>JSON non valide ({reason} à la ligne {line}, colonne {column})</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; is not one of the choices: {choices}</source>
        <translation>« {value} » ne fait pas partie des choix : {choices}</translation>
    </message>
    <message>
        <source>must be at least {count} character</source>
        <translation>doit contenir au moins {count} caractère</translation>
    </message>
    <message>
        <source>must be at least {count} characters</source>
        <translation>doit contenir au moins {count} caractères</translation>
    </message>
    <message>
        <source>must be at most {count} character</source>
        <translation>doit contenir au plus {count} caractère</translation>
    </message>
    <message>
        <source>must be at most {count} characters</source>
        <translation>doit contenir au plus {count} caractères</translation>
    </message>
    <message>
        <source>choose at least {count} option</source>
        <translation>choisissez au moins {count} option</translation>
    </message>
    <message>
        <source>choose at least {count} options</source>
        <translation>choisissez au moins {count} options</translation>
    </message>
    <message>
        <source>choose at most {count} option</source>
        <translation>choisissez au plus {count} option</translation>
    </message>
    <message>
        <source>choose at most {count} options</source>
        <translation>choisissez au plus {count} options</translation>
    </message>
    <message>
        <source>JSON nested deeper than {limit} levels</source>
        <translation>JSON imbriqué sur plus de {limit} niveaux</translation>
    </message>
    <message>
        <source>number too long (more than {digits} digits)</source>
        <translation>nombre trop long (plus de {digits} chiffres)</translation>
    </message>
</context>
<context>
    <name>InputsSchemaEditor</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Libellé</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Requis</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Défaut</translation>
    </message>
    <message>
        <source>Min</source>
        <translation>Min</translation>
    </message>
    <message>
        <source>Max</source>
        <translation>Max</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>Options</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Options: comma separated, value or value=Label. Default and bounds: as JSON (12, true, [&quot;a&quot;]) or plain text; dates as 2026-12-31.</source>
        <translation>Options : séparées par des virgules, valeur ou valeur=Libellé. Défaut et bornes : en JSON (12, true, [&quot;a&quot;]) ou en texte ; dates au format 2026-12-31.</translation>
    </message>
    <message>
        <source>Add field</source>
        <translation>Ajouter un champ</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Monter</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Descendre</translation>
    </message>
</context>
<context>
    <name>InspectorWindow</name>
    <message>
        <source>Run inspector</source>
        <translation>Inspecteur d&apos;exécution</translation>
    </message>
    <message>
        <source>Run %1 of %2 — FlowDesk</source>
        <translation>Exécution %1 de %2 — FlowDesk</translation>
    </message>
</context>
<context>
    <name>InterfacesView</name>
    <message>
        <source>No interface yet: add a folder under private/interfaces with src/index.html (and a config.json for its name, icon and route).</source>
        <translation>Pas encore d&apos;interface : ajoutez un dossier dans private/interfaces avec src/index.html (et un config.json pour son nom, son icône et sa route).</translation>
    </message>
    <message>
        <source>Double-click an interface (or select it and press Open) to use it here.</source>
        <translation>Double-cliquez sur une interface (ou sélectionnez-la et appuyez sur Ouvrir) pour l&apos;utiliser ici.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>No interfaces yet</source>
        <translation>Pas encore d&apos;interface</translation>
    </message>
    <message>
        <source>New interface</source>
        <translation>Nouvelle interface</translation>
    </message>
    <message>
        <source>Open the interfaces folder</source>
        <translation>Ouvrir le dossier des interfaces</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Open in browser</source>
        <translation>Ouvrir dans le navigateur</translation>
    </message>
    <message>
        <source>Open the current (or selected) interface in your web browser, signed in with a one-time code: bookmarks work afterwards, the API token stays out</source>
        <translation>Ouvrir l&apos;interface courante (ou sélectionnée) dans votre navigateur, connectée avec un code à usage unique : les favoris fonctionnent ensuite, le jeton d&apos;API reste à l&apos;écart</translation>
    </message>
    <message>
        <source>Interfaces</source>
        <translation>Interfaces</translation>
    </message>
    <message>
        <source>HTML pages of the workspace, signed in to FlowDesk</source>
        <translation>Pages HTML de l&apos;espace de travail, connectées à FlowDesk</translation>
    </message>
    <message>
        <source>Search interfaces…</source>
        <translation>Rechercher des interfaces…</translation>
    </message>
    <message>
        <source>New interface…</source>
        <translation>Nouvelle interface…</translation>
    </message>
    <message>
        <source>Create a starter page under private/interfaces that lists the workflows</source>
        <translation>Créer une page de départ dans private/interfaces qui liste les workflows</translation>
    </message>
    <message>
        <source>(broken)</source>
        <translation>(cassée)</translation>
    </message>
    <message>
        <source>Name (letters, digits and _, e.g. team_board):</source>
        <translation>Nom (lettres, chiffres et _, par ex. team_board) :</translation>
    </message>
    <message>
        <source>Created %1: edit its src/index.html and config.json.</source>
        <translation>%1 créée : modifiez son src/index.html et son config.json.</translation>
    </message>
    <message>
        <source>Could not create %1: %2</source>
        <translation>Impossible de créer %1 : %2</translation>
    </message>
    <message>
        <source>Route: %1</source>
        <translation>Route : %1</translation>
    </message>
    <message>
        <source>The page did not load: is FlowDesk still listening?</source>
        <translation>La page ne s&apos;est pas chargée : FlowDesk est-il toujours à l&apos;écoute ?</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Close this page</source>
        <translation>Fermer cette page</translation>
    </message>
</context>
<context>
    <name>JsonEditor</name>
    <message>
        <source>not valid JSON (%1 at line %2 column %3)</source>
        <translation>JSON invalide (%1 ligne %2 colonne %3)</translation>
    </message>
</context>
<context>
    <name>JsonTreeModel</name>
    <message>
        <source>Key</source>
        <translation>Clé</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message numerus="yes">
        <source>%n key(s)</source>
        <translation>
            <numerusform>%n clé</numerusform>
            <numerusform>%n clés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n élément</numerusform>
            <numerusform>%n éléments</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JsonView</name>
    <message>
        <source>%1 as a tree</source>
        <translation>%1 en arbre</translation>
    </message>
    <message>
        <source>%1 as text</source>
        <translation>%1 en texte</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>Tout afficher</translation>
    </message>
    <message>
        <source>Tree</source>
        <translation>Arbre</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <source>Nothing.</source>
        <translation>Rien.</translation>
    </message>
    <message>
        <source>Loading… %1 characters shown (%2 stored)</source>
        <translation>Chargement… %1 caractères affichés (%2 enregistrés)</translation>
    </message>
    <message>
        <source>Showing the first %1 characters (%2 stored).</source>
        <translation>Affichage des %1 premiers caractères (%2 enregistrés).</translation>
    </message>
    <message>
        <source>Copy value</source>
        <translation>Copier la valeur</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>Copier le chemin</translation>
    </message>
</context>
<context>
    <name>LaunchOptions</name>
    <message>
        <source>%1: %2 is not between 0 and 65535</source>
        <translation>%1 : %2 n&apos;est pas entre 0 et 65535</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a port number</source>
        <translation>%1 : « %2 » n&apos;est pas un numéro de port</translation>
    </message>
</context>
<context>
    <name>Listener</name>
    <message>
        <source>cannot listen on {address}: {reason}</source>
        <translation>impossible d&apos;écouter sur {address} : {reason}</translation>
    </message>
    <message>
        <source>unauthorized</source>
        <translation>non autorisé</translation>
    </message>
    <message>
        <source>missing or wrong API token (Authorization: Bearer &lt;token&gt;)</source>
        <translation>jeton d&apos;API absent ou incorrect (Authorization: Bearer &lt;token&gt;)</translation>
    </message>
    <message>
        <source>Host is not allowed</source>
        <translation>hôte non autorisé</translation>
    </message>
    <message>
        <source>Host {host} is not allowed; use http://127.0.0.1</source>
        <translation>l&apos;hôte {host} n&apos;est pas autorisé ; utilisez http://127.0.0.1</translation>
    </message>
    <message>
        <source>request body too large (limit {limit} bytes)</source>
        <translation>corps de requête trop volumineux (limite {limit} octets)</translation>
    </message>
    <message>
        <source>unsupported Expect header</source>
        <translation>en-tête Expect non pris en charge</translation>
    </message>
    <message>
        <source>invalid JSON body at line {line} column {column}: {reason}</source>
        <translation>corps JSON non valide à la ligne {line}, colonne {column} : {reason}</translation>
    </message>
    <message>
        <source>workflow is broken</source>
        <translation>le workflow est cassé</translation>
    </message>
    <message>
        <source>workflow {name} cannot be loaded</source>
        <translation>le workflow {name} ne peut pas être chargé</translation>
    </message>
    <message>
        <source>workflow {name} is inactive</source>
        <translation>le workflow {name} est désactivé</translation>
    </message>
    <message>
        <source>workflow {name} does not allow the {trigger} trigger (triggers: {triggers})</source>
        <translation>le workflow {name} n&apos;autorise pas le déclencheur {trigger} (déclencheurs : {triggers})</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>Log level</source>
        <translation>Niveau du journal</translation>
    </message>
    <message>
        <source>All levels</source>
        <translation>Tous les niveaux</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info et au-dessus</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Avertissements et erreurs</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Erreurs seulement</translation>
    </message>
    <message>
        <source>Search the log…</source>
        <translation>Rechercher dans le journal…</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>Rechercher dans le journal</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>Occurrence précédente</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>Occurrence suivante</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>Suivre</translation>
    </message>
    <message>
        <source>Keep the newest line in view while the run is live</source>
        <translation>Garder la dernière ligne visible pendant l&apos;exécution</translation>
    </message>
    <message>
        <source>Run log</source>
        <translation>Journal de l&apos;exécution</translation>
    </message>
    <message>
        <source>Level:</source>
        <translation>Niveau :</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s)</source>
        <translation>
            <numerusform>%n ligne</numerusform>
            <numerusform>%n lignes</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Starting FlowDesk…</source>
        <translation>Démarrage de FlowDesk…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>Open workspace folder</source>
        <translation>Ouvrir le dossier de l&apos;espace de travail</translation>
    </message>
    <message>
        <source>Reload workspace</source>
        <translation>Recharger l&apos;espace de travail</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ai&amp;de</translation>
    </message>
    <message>
        <source>API documentation (OpenAPI)</source>
        <translation>Documentation de l&apos;API (OpenAPI)</translation>
    </message>
    <message>
        <source>About FlowDesk</source>
        <translation>À propos de FlowDesk</translation>
    </message>
    <message>
        <source>Quit FlowDesk?</source>
        <translation>Quitter FlowDesk ?</translation>
    </message>
    <message>
        <source>Scheduled workflows and webhooks stop until FlowDesk is opened again. Quit now?</source>
        <translation>Les workflows planifiés et les webhooks s&apos;arrêtent jusqu&apos;à la prochaine ouverture de FlowDesk. Quitter maintenant ?</translation>
    </message>
    <message>
        <source>FlowDesk keeps running in the tray; schedules and webhooks stay on.</source>
        <translation>FlowDesk continue de tourner dans la zone de notification ; planifications et webhooks restent actifs.</translation>
    </message>
    <message>
        <source>FlowDesk could not start:</source>
        <translation>FlowDesk n&apos;a pas pu démarrer :</translation>
    </message>
    <message>
        <source>%n failed run(s) since you last looked</source>
        <translation>%n exécution(s) en échec depuis votre dernier passage</translation>
    </message>
    <message>
        <source>%n credential(s) need attention</source>
        <translation>%n identifiant(s) demande(nt) votre attention</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>démarrage</translation>
    </message>
    <message>
        <source>Copied %s</source>
        <translation>Copié : %s</translation>
    </message>
    <message>
        <source>FlowDesk %1

Workspace: %2
Data: %3
API: %4</source>
        <translation>FlowDesk %1

Espace de travail : %2
Données : %3
API : %4</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Vue d&apos;ensemble</translation>
    </message>
    <message>
        <source>Workflows</source>
        <translation>Workflows</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Exécutions</translation>
    </message>
    <message>
        <source>Tools &amp; credentials</source>
        <translation>Outils et identifiants</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Planification</translation>
    </message>
    <message>
        <source>Interfaces</source>
        <translation>Interfaces</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Journaux</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Outils</translation>
    </message>
</context>
<context>
    <name>NavRail</name>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
</context>
<context>
    <name>NotificationPolicy</name>
    <message>
        <source>%1 succeeded</source>
        <translation>%1 a réussi</translation>
    </message>
    <message>
        <source>%1 timed out</source>
        <translation>%1 a dépassé son délai</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 a échoué</translation>
    </message>
    <message>
        <source>%1 succeeded %2 more times</source>
        <translation>%1 a réussi %2 fois de plus</translation>
    </message>
    <message>
        <source>%1 failed %2 more times</source>
        <translation>%1 a échoué %2 fois de plus</translation>
    </message>
    <message>
        <source>in the last %1 s; the latest: %2</source>
        <translation>dans les %1 dernières secondes ; la dernière : %2</translation>
    </message>
    <message>
        <source>%1 (%2) needs reconnecting</source>
        <translation>%1 (%2) doit être reconnecté</translation>
    </message>
    <message>
        <source>Click to fix it in Tools &amp; credentials.</source>
        <translation>Cliquez pour le corriger dans Outils et identifiants.</translation>
    </message>
</context>
<context>
    <name>NotifySuccessToggle</name>
    <message>
        <source>Notify me when a run succeeds</source>
        <translation>Me notifier quand une exécution réussit</translation>
    </message>
    <message>
        <source>Failures and timeouts always notify (Settings ▸ notifications)</source>
        <translation>Les échecs et dépassements de délai notifient toujours (Paramètres ▸ notifications)</translation>
    </message>
</context>
<context>
    <name>OverviewData</name>
    <message>
        <source>incomplete</source>
        <translation>incomplet</translation>
    </message>
    <message>
        <source>the access token expired</source>
        <translation>le jeton d&apos;accès a expiré</translation>
    </message>
    <message>
        <source>not connected yet</source>
        <translation>pas encore connecté</translation>
    </message>
    <message>
        <source>missing %1</source>
        <translation>manquant : %1</translation>
    </message>
    <message>
        <source>the token no longer works</source>
        <translation>le jeton ne fonctionne plus</translation>
    </message>
</context>
<context>
    <name>OverviewView</name>
    <message>
        <source>Set up</source>
        <translation>Configurer</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connecter</translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation>Reconnecter</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Vue d&apos;ensemble</translation>
    </message>
    <message>
        <source>How your automations are doing</source>
        <translation>Comment vont vos automatisations</translation>
    </message>
    <message>
        <source>All runs</source>
        <translation>Toutes les exécutions</translation>
    </message>
    <message>
        <source>New workflow</source>
        <translation>Nouveau workflow</translation>
    </message>
    <message>
        <source>Runs today</source>
        <translation>Exécutions aujourd&apos;hui</translation>
    </message>
    <message>
        <source>Failures today</source>
        <translation>Échecs aujourd&apos;hui</translation>
    </message>
    <message>
        <source>Success rate today</source>
        <translation>Taux de réussite aujourd&apos;hui</translation>
    </message>
    <message>
        <source>Median duration today</source>
        <translation>Durée médiane aujourd&apos;hui</translation>
    </message>
    <message>
        <source>Runs per day, last 14 days</source>
        <translation>Exécutions par jour, 14 derniers jours</translation>
    </message>
    <message>
        <source>Next scheduled runs</source>
        <translation>Prochaines exécutions planifiées</translation>
    </message>
    <message>
        <source>Nothing is scheduled.</source>
        <translation>Rien n&apos;est planifié.</translation>
    </message>
    <message>
        <source>Recent failures</source>
        <translation>Échecs récents</translation>
    </message>
    <message>
        <source>No failed run. All good.</source>
        <translation>Aucune exécution en échec. Tout va bien.</translation>
    </message>
    <message>
        <source>Credentials needing attention</source>
        <translation>Identifiants à vérifier</translation>
    </message>
    <message>
        <source>Every credential a workflow uses is ready.</source>
        <translation>Tous les identifiants utilisés par les workflows sont prêts.</translation>
    </message>
    <message>
        <source>Webhook base URL</source>
        <translation>URL de base des webhooks</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>POST to it followed by a workflow&apos;s name.</source>
        <translation>Envoyez un POST à cette adresse suivie du nom d&apos;un workflow.</translation>
    </message>
    <message>
        <source>The listener is not running.</source>
        <translation>Le serveur d&apos;écoute ne tourne pas.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>7 days: %1</source>
        <translation>7 jours : %1</translation>
    </message>
    <message>
        <source>Runs that ended in error or timeout</source>
        <translation>Exécutions terminées en erreur ou en dépassement de délai</translation>
    </message>
    <message>
        <source>Successes among runs that ended in success, error or timeout</source>
        <translation>Réussites parmi les exécutions terminées en succès, erreur ou dépassement de délai</translation>
    </message>
    <message>
        <source>The scheduler is paused.</source>
        <translation>Le planificateur est en pause.</translation>
    </message>
    <message>
        <source>Open this run</source>
        <translation>Ouvrir cette exécution</translation>
    </message>
    <message>
        <source>Used by %1</source>
        <translation>Utilisé par %1</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>%n more in Tools &amp; credentials</source>
        <translation>%n de plus dans Outils et identifiants</translation>
    </message>
</context>
<context>
    <name>ProfileEditor</name>
    <message>
        <source>Use capital letters, digits and _ only (for example WORK or TEAM_2).</source>
        <translation>Utilisez seulement des majuscules, des chiffres et _ (par exemple WORK ou TEAM_2).</translation>
    </message>
    <message>
        <source>INPUT_ profiles take their value from a run&apos;s input; choose another name.</source>
        <translation>Les profils INPUT_ prennent leur valeur dans l&apos;entrée d&apos;une exécution ; choisissez un autre nom.</translation>
    </message>
    <message>
        <source>Profile %1 already exists.</source>
        <translation>Le profil %1 existe déjà.</translation>
    </message>
    <message>
        <source>Profiles of %1</source>
        <translation>Profils de %1</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ajouter</translation>
    </message>
    <message>
        <source>Delete profile…</source>
        <translation>Supprimer le profil…</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Profils</translation>
    </message>
    <message>
        <source>Fill from an example…</source>
        <translation>Remplir depuis un exemple…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Fill in %1, then Save.</source>
        <translation>Renseignez %1, puis Enregistrer.</translation>
    </message>
    <message>
        <source>No profile yet: type a name (for example DEFAULT or WORK) and press Add.</source>
        <translation>Pas encore de profil : tapez un nom (par exemple DEFAULT ou WORK) et appuyez sur Ajouter.</translation>
    </message>
    <message>
        <source>variables %1 in config/.env. * = required.</source>
        <translation>variables %1 dans config/.env. * = requis.</translation>
    </message>
    <message>
        <source>required</source>
        <translation>requis</translation>
    </message>
    <message>
        <source>default: %1</source>
        <translation>défaut : %1</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optionnel</translation>
    </message>
    <message>
        <source>Set in the process environment: that value wins over this one.</source>
        <translation>Défini dans l&apos;environnement du processus : cette valeur l&apos;emporte sur celle-ci.</translation>
    </message>
    <message>
        <source>Nothing to save: enter or change a value first.</source>
        <translation>Rien à enregistrer : saisissez ou modifiez d&apos;abord une valeur.</translation>
    </message>
    <message>
        <source>Saved %1 to config/.env.</source>
        <translation>%1 enregistré dans config/.env.</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>%1 supprimé.</translation>
    </message>
    <message>
        <source>Delete profile?</source>
        <translation>Supprimer le profil ?</translation>
    </message>
    <message>
        <source>Remove every %1_… variable from config/.env? Workflows using %2 will stop finding their settings.</source>
        <translation>Retirer toutes les variables %1_… de config/.env ? Les workflows qui utilisent %2 ne trouveront plus leurs réglages.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d&apos;écrire %1 : %2</translation>
    </message>
</context>
<context>
    <name>ProfilesTable</name>
    <message>
        <source>Build the tool with this profile and run authenticate()</source>
        <translation>Construire l&apos;outil avec ce profil et lancer authenticate()</translation>
    </message>
    <message>
        <source>Edit this profile&apos;s variables in config/.env</source>
        <translation>Modifier les variables de ce profil dans config/.env</translation>
    </message>
    <message>
        <source>Sign in with Google in your browser</source>
        <translation>Se connecter avec Google dans votre navigateur</translation>
    </message>
    <message>
        <source>Revoke the token at Google and delete the token file</source>
        <translation>Révoquer le jeton chez Google et supprimer le fichier du jeton</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Used by</source>
        <translation>Utilisé par</translation>
    </message>
    <message>
        <source>Last test</source>
        <translation>Dernier test</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Tester</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connecter</translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation>Reconnecter</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Déconnecter</translation>
    </message>
    <message>
        <source>Not connected: press Connect to sign in with Google</source>
        <translation>Non connecté : appuyez sur Connecter pour vous connecter avec Google</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <source>Connected · a new access token is fetched on next use</source>
        <translation>Connecté · un nouveau jeton d&apos;accès sera obtenu à la prochaine utilisation</translation>
    </message>
    <message>
        <source>Missing %1</source>
        <translation>Manque %1</translation>
    </message>
    <message>
        <source>Connected · access token valid until %1</source>
        <translation>Connecté · jeton d&apos;accès valide jusqu&apos;au %1</translation>
    </message>
    <message>
        <source>Reconnect needed: %1</source>
        <translation>Reconnexion nécessaire : %1</translation>
    </message>
    <message>
        <source>Where values come from:</source>
        <translation>D&apos;où viennent les valeurs :</translation>
    </message>
    <message>
        <source>token file: %1</source>
        <translation>fichier du jeton : %1</translation>
    </message>
    <message>
        <source>token shared with: %1</source>
        <translation>jeton partagé avec : %1</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>(renewed automatically)</source>
        <translation>(renouvelé automatiquement)</translation>
    </message>
</context>
<context>
    <name>Registry</name>
    <message>
        <source>{path}: config.json is missing</source>
        <translation>{path} : config.json est absent</translation>
    </message>
    <message>
        <source>{path}: main.py is missing</source>
        <translation>{path} : main.py est absent</translation>
    </message>
    <message>
        <source>{path}: main.py defines no execute(data, tools) function</source>
        <translation>{path} : main.py ne définit pas de fonction execute(data, tools)</translation>
    </message>
    <message>
        <source>{first}; {rest}</source>
        <translation>{first} ; {rest}</translation>
    </message>
    <message>
        <source>{path}: main.py defines no subclass of BaseTool</source>
        <translation>{path} : main.py ne définit aucune sous-classe de BaseTool</translation>
    </message>
    <message>
        <source>{path}: class_name: main.py defines no class {name}</source>
        <translation>{path} : class_name : main.py ne définit pas de classe {name}</translation>
    </message>
    <message>
        <source>{path}: route: {route} is reserved by FlowDesk</source>
        <translation>{path} : route : {route} est réservée par FlowDesk</translation>
    </message>
    <message>
        <source>{path}: {folder}/index.html is missing, so {route}/ answers 404 (the interface&apos;s other files are served)</source>
        <translation>{path} : {folder}/index.html est absent, donc {route}/ répond 404 (les autres fichiers de l&apos;interface sont servis)</translation>
    </message>
    <message>
        <source>workflow {name} not found in {folder}</source>
        <translation>workflow {name} introuvable dans {folder}</translation>
    </message>
    <message>
        <source>tool {name} is not installed (built-in tools: {builtin})</source>
        <translation>l&apos;outil {name} n&apos;est pas installé (outils intégrés : {builtin})</translation>
    </message>
    <message>
        <source>interface {name} not found in {folder}</source>
        <translation>interface {name} introuvable dans {folder}</translation>
    </message>
    <message>
        <source>{path}: route: {route} is already used by interface {other}</source>
        <translation>{path} : route : {route} est déjà utilisée par l&apos;interface {other}</translation>
    </message>
    <message>
        <source>{path}: tools_required: {tool}: the tool is broken</source>
        <translation>{path} : tools_required : {tool} : l&apos;outil est cassé</translation>
    </message>
    <message>
        <source>{path}: tools_required: {tool}: profile {profile} needs {missing}</source>
        <translation>{path} : tools_required : {tool} : le profil {profile} a besoin de {missing}</translation>
    </message>
</context>
<context>
    <name>RunFilterBar</name>
    <message>
        <source>All workflows</source>
        <translation>Tous les workflows</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>failed or timed out</source>
        <translation>échec ou délai dépassé</translation>
    </message>
    <message>
        <source>All triggers</source>
        <translation>Tous les déclencheurs</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Au</translation>
    </message>
</context>
<context>
    <name>RunForm</name>
    <message>
        <source>Run %1 again</source>
        <translation>Relancer %1</translation>
    </message>
    <message>
        <source>Run %1</source>
        <translation>Exécuter %1</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Exécuter</translation>
    </message>
    <message>
        <source>Edit inputs</source>
        <translation>Modifier les entrées</translation>
    </message>
    <message>
        <source>Open Tools</source>
        <translation>Ouvrir Outils</translation>
    </message>
    <message>
        <source>Connect and run again</source>
        <translation>Connecter et relancer</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>This workflow cannot be loaded:</source>
        <translation>Ce workflow ne peut pas être chargé :</translation>
    </message>
    <message>
        <source>This workflow takes no input.</source>
        <translation>Ce workflow ne prend pas d&apos;entrée.</translation>
    </message>
    <message>
        <source>required</source>
        <translation>requis</translation>
    </message>
    <message>
        <source>* required</source>
        <translation>* requis</translation>
    </message>
    <message>
        <source>Not recorded: type it again</source>
        <translation>Non enregistré : saisissez-le à nouveau</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>The run could not start:</source>
        <translation>L&apos;exécution n&apos;a pas pu démarrer :</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>Relancer</translation>
    </message>
    <message>
        <source>This run was skipped:</source>
        <translation>Cette exécution a été ignorée :</translation>
    </message>
    <message>
        <source>This run failed with what looks like an authentication error:</source>
        <translation>Cette exécution a échoué sur ce qui ressemble à une erreur d&apos;authentification :</translation>
    </message>
    <message>
        <source>Set up the tool&apos;s profile (or reconnect it) in the Tools view.</source>
        <translation>Configurez le profil de l&apos;outil (ou reconnectez-le) dans la vue Outils.</translation>
    </message>
    <message>
        <source>Connect %1 (%2) and run again</source>
        <translation>Connecter %1 (%2) et relancer</translation>
    </message>
    <message>
        <source>Waiting for the connection to finish in your browser…</source>
        <translation>En attente de la fin de la connexion dans votre navigateur…</translation>
    </message>
</context>
<context>
    <name>RunHeader</name>
    <message>
        <source>Open the workflow</source>
        <translation>Ouvrir le workflow</translation>
    </message>
    <message>
        <source>Copy the run id</source>
        <translation>Copier l&apos;identifiant de l&apos;exécution</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Mise en file</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Début</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Fin</translation>
    </message>
    <message>
        <source>attempt %1</source>
        <translation>tentative %1</translation>
    </message>
    <message>
        <source>after %1</source>
        <translation>après %1</translation>
    </message>
    <message>
        <source>waited %1</source>
        <translation>attente %1</translation>
    </message>
    <message>
        <source>took %1</source>
        <translation>durée %1</translation>
    </message>
    <message>
        <source>running for %1</source>
        <translation>en cours depuis %1</translation>
    </message>
</context>
<context>
    <name>RunInspector</name>
    <message>
        <source>Output</source>
        <translation>Sortie</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Entrée</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation>Relancer</translation>
    </message>
    <message>
        <source>Run again with the same inputs</source>
        <translation>Relancer avec les mêmes entrées</translation>
    </message>
    <message>
        <source>Re-run with edited inputs…</source>
        <translation>Relancer avec des entrées modifiées…</translation>
    </message>
    <message>
        <source>Open workflow</source>
        <translation>Ouvrir le workflow</translation>
    </message>
    <message>
        <source>Copy as JSON</source>
        <translation>Copier en JSON</translation>
    </message>
    <message>
        <source>Copy the whole run as JSON</source>
        <translation>Copier toute l&apos;exécution en JSON</translation>
    </message>
    <message>
        <source>Previous run</source>
        <translation>Exécution précédente</translation>
    </message>
    <message>
        <source>The previous run of this workflow (Alt+Left)</source>
        <translation>L&apos;exécution précédente de ce workflow (Alt+Gauche)</translation>
    </message>
    <message>
        <source>Next run</source>
        <translation>Exécution suivante</translation>
    </message>
    <message>
        <source>The next run of this workflow (Alt+Right)</source>
        <translation>L&apos;exécution suivante de ce workflow (Alt+Droite)</translation>
    </message>
    <message>
        <source>Open in the inspector window</source>
        <translation>Ouvrir dans la fenêtre de l&apos;inspecteur</translation>
    </message>
    <message>
        <source>Open this run in the run inspector window (or double-click / Enter in the list)</source>
        <translation>Ouvrir cette exécution dans la fenêtre de l&apos;inspecteur d&apos;exécution (ou double-clic / Entrée dans la liste)</translation>
    </message>
    <message>
        <source>Select a run to inspect it.</source>
        <translation>Sélectionnez une exécution pour l&apos;inspecter.</translation>
    </message>
    <message>
        <source>Reading the run…</source>
        <translation>Lecture de l&apos;exécution…</translation>
    </message>
    <message>
        <source>Could not read the run: %1</source>
        <translation>Impossible de lire l&apos;exécution : %1</translation>
    </message>
    <message>
        <source>Waiting for the run to be recorded…</source>
        <translation>En attente de l&apos;enregistrement de l&apos;exécution…</translation>
    </message>
    <message>
        <source>The output is not valid JSON: %1</source>
        <translation>La sortie n&apos;est pas du JSON valide : %1</translation>
    </message>
    <message>
        <source>This run returned no output.</source>
        <translation>Cette exécution n&apos;a rien renvoyé.</translation>
    </message>
    <message>
        <source>This run had no input.</source>
        <translation>Cette exécution n&apos;avait pas d&apos;entrée.</translation>
    </message>
    <message>
        <source>Could not re-run: %1</source>
        <translation>Impossible de relancer : %1</translation>
    </message>
    <message>
        <source>Workflow %1 no longer exists.</source>
        <translation>Le workflow %1 n&apos;existe plus.</translation>
    </message>
</context>
<context>
    <name>RunMessages</name>
    <message>
        <source>timed out after {seconds} s</source>
        <translation>délai dépassé après {seconds} s</translation>
    </message>
    <message>
        <source>the engine stopped before this run started</source>
        <translation>le moteur s&apos;est arrêté avant le début de cette exécution</translation>
    </message>
    <message>
        <source>the engine stopped before this run finished</source>
        <translation>le moteur s&apos;est arrêté avant la fin de cette exécution</translation>
    </message>
    <message>
        <source>FlowDesk stopped before this run finished</source>
        <translation>FlowDesk s&apos;est arrêté avant la fin de cette exécution</translation>
    </message>
    <message>
        <source>this run&apos;s input was not kept by the FlowDesk that accepted it; run it again</source>
        <translation>les données d&apos;entrée de cette exécution n&apos;ont pas été conservées par le FlowDesk qui l&apos;a acceptée ; relancez-la</translation>
    </message>
    <message>
        <source>cannot start this queued run: {reason}</source>
        <translation>impossible de démarrer cette exécution en file : {reason}</translation>
    </message>
    <message>
        <source>engine error: {reason}</source>
        <translation>erreur du moteur : {reason}</translation>
    </message>
    <message>
        <source>worker error: {reason}</source>
        <translation>erreur du worker : {reason}</translation>
    </message>
    <message>
        <source>the run input or tool config cannot be sent to a worker: {reason}</source>
        <translation>impossible d&apos;envoyer les données d&apos;entrée ou la configuration des outils à un worker : {reason}</translation>
    </message>
    <message>
        <source>worker process closed its control channel during {during} and was killed</source>
        <translation>le processus worker a fermé son canal de contrôle pendant {during} et a été tué</translation>
    </message>
    <message>
        <source>worker process was lost during {during}</source>
        <translation>le processus worker a été perdu pendant {during}</translation>
    </message>
    <message>
        <source>worker process crashed (signal {signal})</source>
        <translation>le processus worker a planté (signal {signal})</translation>
    </message>
    <message>
        <source>worker process exited with code {code} during {during}</source>
        <translation>le processus worker s&apos;est terminé avec le code {code} pendant {during}</translation>
    </message>
    <message>
        <source>the run</source>
        <translation>l&apos;exécution</translation>
    </message>
    <message>
        <source>the import check</source>
        <translation>la vérification de l&apos;import</translation>
    </message>
    <message>
        <source>importing main.py timed out after {seconds} s</source>
        <translation>l&apos;import de main.py a dépassé le délai de {seconds} s</translation>
    </message>
    <message>
        <source>main.py defines no execute(data, tools) function</source>
        <translation>main.py ne définit pas de fonction execute(data, tools)</translation>
    </message>
    <message>
        <source>workflow {workflow} is not in worker {worker}&apos;s workspace (the run was accepted for revision {revision}); deploy the same workspace to every machine</source>
        <translation>le workflow {workflow} n&apos;est pas dans l&apos;espace de travail du worker {worker} (l&apos;exécution a été acceptée pour la révision {revision}) ; déployez le même espace de travail sur chaque machine</translation>
    </message>
    <message>
        <source>workspace revision mismatch: this run of {workflow} was accepted for revision {revision}, but worker {worker} has revision {theirs} (after reloading its workspace); deploy the same workspace to every machine</source>
        <translation>révisions d&apos;espace de travail différentes : cette exécution de {workflow} a été acceptée pour la révision {revision}, mais le worker {worker} a la révision {theirs} (après avoir rechargé son espace de travail) ; déployez le même espace de travail sur chaque machine</translation>
    </message>
    <message>
        <source>tool {tool} is broken: {reason}</source>
        <translation>l&apos;outil {tool} est cassé : {reason}</translation>
    </message>
    <message>
        <source>tool {tool} is disabled</source>
        <translation>l&apos;outil {tool} est désactivé</translation>
    </message>
    <message>
        <source>tool {tool} (profile {profile}) is missing {missing}</source>
        <translation>il manque {missing} à l&apos;outil {tool} (profil {profile})</translation>
    </message>
    <message>
        <source>reconnect {tool} (profile {profile}): {reason}</source>
        <translation>reconnectez {tool} (profil {profile}) : {reason}</translation>
    </message>
    <message>
        <source>reconnect {tool} (profile {profile})</source>
        <translation>reconnectez {tool} (profil {profile})</translation>
    </message>
    <message>
        <source>no token file configured</source>
        <translation>aucun fichier de jeton configuré</translation>
    </message>
    <message>
        <source>not connected yet (no token file at {path})</source>
        <translation>pas encore connecté (aucun fichier de jeton à {path})</translation>
    </message>
    <message>
        <source>the access token expired and there is no refresh token</source>
        <translation>le jeton d&apos;accès a expiré et il n&apos;y a pas de jeton de renouvellement</translation>
    </message>
    <message>
        <source>the token lacks scope(s) {scopes}</source>
        <translation>il manque au jeton la ou les portées {scopes}</translation>
    </message>
    <message>
        <source>not configured: set {names}</source>
        <translation>non configuré : renseignez {names}</translation>
    </message>
</context>
<context>
    <name>RunSparkline</name>
    <message>
        <source>No runs yet</source>
        <translation>Pas encore d&apos;exécution</translation>
    </message>
    <message>
        <source>Last %n run(s)</source>
        <translation>Les %n dernières exécutions</translation>
    </message>
    <message>
        <source>no runs yet</source>
        <translation>pas encore d&apos;exécution</translation>
    </message>
</context>
<context>
    <name>RunStatus</name>
    <message>
        <source>success</source>
        <translation>succès</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>en file</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>interrompue</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>ignorée</translation>
    </message>
    <message>
        <source>timeout</source>
        <translation>délai dépassé</translation>
    </message>
</context>
<context>
    <name>RunsChart</name>
    <message>
        <source>%n run(s)</source>
        <translation>%n exécutions</translation>
    </message>
</context>
<context>
    <name>RunsView</name>
    <message>
        <source>Runs</source>
        <translation>Exécutions</translation>
    </message>
    <message>
        <source>Search messages and errors…</source>
        <translation>Rechercher dans les messages et les erreurs…</translation>
    </message>
    <message>
        <source>Run a workflow…</source>
        <translation>Exécuter un workflow…</translation>
    </message>
    <message>
        <source>Pick a workflow and run it now (its form opens when it has inputs)</source>
        <translation>Choisir un workflow et l&apos;exécuter maintenant (son formulaire s&apos;ouvre s&apos;il a des entrées)</translation>
    </message>
    <message>
        <source>No runs yet</source>
        <translation>Pas encore d&apos;exécution</translation>
    </message>
    <message>
        <source>Every run of every workflow shows up here: started by hand, on a schedule, by a webhook or the API.</source>
        <translation>Chaque exécution de chaque workflow apparaît ici : lancée à la main, par une planification, un webhook ou l&apos;API.</translation>
    </message>
    <message>
        <source>Open the workflows</source>
        <translation>Ouvrir les workflows</translation>
    </message>
    <message>
        <source>Showing %1 of %2 runs</source>
        <translation>%1 exécutions affichées sur %2</translation>
    </message>
    <message>
        <source>No runs match.</source>
        <translation>Aucune exécution ne correspond.</translation>
    </message>
    <message>
        <source>No runs yet.</source>
        <translation>Pas encore d&apos;exécution.</translation>
    </message>
    <message>
        <source>No run matches</source>
        <translation>Aucune exécution ne correspond</translation>
    </message>
    <message>
        <source>Clear the filters</source>
        <translation>Effacer les filtres</translation>
    </message>
</context>
<context>
    <name>ScheduleEditor</name>
    <message>
        <source>cron, e.g. 0 8 * * 1-5 (empty: no schedule)</source>
        <translation>cron, ex. 0 8 * * 1-5 (vide : pas de planification)</translation>
    </message>
    <message>
        <source>the machine&apos;s (%1)</source>
        <translation>celui de la machine (%1)</translation>
    </message>
    <message>
        <source>Schedule:</source>
        <translation>Planification :</translation>
    </message>
    <message>
        <source>Means:</source>
        <translation>Signifie :</translation>
    </message>
    <message>
        <source>Timezone:</source>
        <translation>Fuseau horaire :</translation>
    </message>
    <message>
        <source>Next runs:</source>
        <translation>Prochaines exécutions :</translation>
    </message>
    <message>
        <source>No schedule: the workflow runs only when started.</source>
        <translation>Pas de planification : le workflow ne s&apos;exécute que lorsqu&apos;on le lance.</translation>
    </message>
</context>
<context>
    <name>Scheduler</name>
    <message>
        <source>{path}: schedule: {reason}</source>
        <translation>{path} : schedule : {reason}</translation>
    </message>
</context>
<context>
    <name>SchedulerView</name>
    <message>
        <source>No scheduled workflow: add a schedule and the &apos;schedule&apos; trigger in a workflow&apos;s config</source>
        <translation>Aucun workflow planifié : ajoutez une planification et le déclencheur &apos;schedule&apos; dans la config d&apos;un workflow</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Planification</translation>
    </message>
    <message>
        <source>Search workflows and schedules…</source>
        <translation>Rechercher des workflows et des planifications…</translation>
    </message>
    <message>
        <source>Resume all</source>
        <translation>Tout reprendre</translation>
    </message>
    <message>
        <source>Pause all</source>
        <translation>Tout mettre en pause</translation>
    </message>
    <message>
        <source>Edit schedule…</source>
        <translation>Modifier la planification…</translation>
    </message>
    <message>
        <source>Change when the selected workflow runs (its cron, timezone and missed runs)</source>
        <translation>Changer quand le workflow sélectionné s&apos;exécute (son cron, son fuseau horaire et les exécutions manquées)</translation>
    </message>
    <message>
        <source>Nothing scheduled</source>
        <translation>Rien de planifié</translation>
    </message>
    <message>
        <source>Open the workflows</source>
        <translation>Ouvrir les workflows</translation>
    </message>
    <message>
        <source>No schedule matches</source>
        <translation>Aucune planification ne correspond</translation>
    </message>
    <message>
        <source>No scheduled workflow has “%1” in its name, description or schedule.</source>
        <translation>Aucun workflow planifié n&apos;a « %1 » dans son nom, sa description ou sa planification.</translation>
    </message>
    <message>
        <source>Clear the search</source>
        <translation>Effacer la recherche</translation>
    </message>
    <message>
        <source>The scheduler is not running.</source>
        <translation>Le planificateur ne tourne pas.</translation>
    </message>
    <message>
        <source>Scheduler paused: no scheduled run fires until you resume.</source>
        <translation>Planificateur en pause : aucune exécution planifiée ne part avant la reprise.</translation>
    </message>
    <message numerus="yes">
        <source>Scheduler on: %n scheduled workflow(s).</source>
        <translation>
            <numerusform>Planificateur actif : %n workflow planifié.</numerusform>
            <numerusform>Planificateur actif : %n workflows planifiés.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not scheduled:</source>
        <translation>Non planifié :</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>(local)</source>
        <translation>(heure locale)</translation>
    </message>
    <message>
        <source>Cannot change: %1</source>
        <translation>Impossible de modifier : %1</translation>
    </message>
</context>
<context>
    <name>SecretField</name>
    <message>
        <source>Show</source>
        <translation>Afficher</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Masquer</translation>
    </message>
</context>
<context>
    <name>SelectEditor</name>
    <message>
        <source>— choose —</source>
        <translation>— choisir —</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Takes effect the next time FlowDesk starts.</source>
        <translation>Prend effet au prochain démarrage de FlowDesk.</translation>
    </message>
    <message>
        <source>FlowDesk settings</source>
        <translation>Paramètres de FlowDesk</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Any free port</source>
        <translation>N&apos;importe quel port libre</translation>
    </message>
    <message>
        <source>Start minimised to the tray</source>
        <translation>Démarrer réduit dans la zone de notification</translation>
    </message>
    <message>
        <source>Notify when a run fails or a credential needs reconnecting (a click opens it)</source>
        <translation>Notifier quand une exécution échoue ou qu&apos;un identifiant doit être reconnecté (un clic l&apos;ouvre)</translation>
    </message>
    <message>
        <source>Keep forever</source>
        <translation>Garder pour toujours</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Sans limite</translation>
    </message>
    <message>
        <source> runs</source>
        <translation> exécutions</translation>
    </message>
    <message>
        <source>System (follow the OS)</source>
        <translation>Système (suivre le système)</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Clair</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
    <message>
        <source>e.g. code -g {file}:{line} (empty: $VISUAL/$EDITOR or one found)</source>
        <translation>ex. code -g {file}:{line} (vide : $VISUAL/$EDITOR ou un éditeur trouvé)</translation>
    </message>
    <message>
        <source>Start FlowDesk at login</source>
        <translation>Lancer FlowDesk à la connexion</translation>
    </message>
    <message>
        <source>Appearance:</source>
        <translation>Apparence :</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Langue :</translation>
    </message>
    <message>
        <source>Workspace folder:</source>
        <translation>Dossier de l&apos;espace de travail :</translation>
    </message>
    <message>
        <source>Empty: the default (FLOWDESK_WORKSPACE, else ~/FlowDesk).</source>
        <translation>Vide : le défaut (FLOWDESK_WORKSPACE, sinon ~/FlowDesk).</translation>
    </message>
    <message>
        <source>Listener port:</source>
        <translation>Port d&apos;écoute :</translation>
    </message>
    <message>
        <source>Google OAuth clients made for the seed platform expect 8000. --port or FLOWDESK_PORT override it for one launch.</source>
        <translation>Les clients OAuth Google créés pour la plateforme d&apos;origine attendent 8000. --port ou FLOWDESK_PORT le remplacent pour un lancement.</translation>
    </message>
    <message>
        <source>Keep runs for:</source>
        <translation>Garder les exécutions pendant :</translation>
    </message>
    <message>
        <source>Keep at most:</source>
        <translation>Garder au plus :</translation>
    </message>
    <message>
        <source>Editor:</source>
        <translation>Éditeur :</translation>
    </message>
    <message>
        <source>Workspace folder</source>
        <translation>Dossier de l&apos;espace de travail</translation>
    </message>
    <message>
        <source>The workspace folder %1 does not exist.</source>
        <translation>Le dossier d&apos;espace de travail %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>Cannot save the settings: %1</source>
        <translation>Impossible d&apos;enregistrer les paramètres : %1</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>Paramètres non enregistrés</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Filter…</source>
        <translation>Filtrer…</translation>
    </message>
    <message>
        <source>Filter the shortcuts</source>
        <translation>Filtrer les raccourcis</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Raccourci</translation>
    </message>
    <message>
        <source>Run inspector: previous run of the workflow</source>
        <translation>Inspecteur : exécution précédente du workflow</translation>
    </message>
    <message>
        <source>Run inspector: next run of the workflow</source>
        <translation>Inspecteur : exécution suivante du workflow</translation>
    </message>
    <message>
        <source>JSON tree: copy the selected value</source>
        <translation>Arbre JSON : copier la valeur sélectionnée</translation>
    </message>
    <message>
        <source>Log: search</source>
        <translation>Journal : rechercher</translation>
    </message>
    <message>
        <source>Log: next match</source>
        <translation>Journal : occurrence suivante</translation>
    </message>
    <message>
        <source>Command palette: open instead of run</source>
        <translation>Palette de commandes : ouvrir au lieu d&apos;exécuter</translation>
    </message>
    <message>
        <source>Command palette: back from a second step</source>
        <translation>Palette de commandes : revenir d&apos;une seconde étape</translation>
    </message>
    <message>
        <source>Close a dialog or the palette</source>
        <translation>Fermer une boîte de dialogue ou la palette</translation>
    </message>
    <message>
        <source>Move between fields and buttons</source>
        <translation>Passer d&apos;un champ ou bouton à l&apos;autre</translation>
    </message>
</context>
<context>
    <name>SparklineDelegate</name>
    <message>
        <source>no runs yet</source>
        <translation>pas encore d&apos;exécution</translation>
    </message>
</context>
<context>
    <name>StatusStrip</name>
    <message>
        <source>Click to copy the listener&apos;s address</source>
        <translation>Cliquer pour copier l&apos;adresse du serveur d&apos;écoute</translation>
    </message>
    <message>
        <source>Starting FlowDesk…</source>
        <translation>Démarrage de FlowDesk…</translation>
    </message>
    <message>
        <source>Listening on %s</source>
        <translation>À l&apos;écoute sur %s</translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation>Pas à l&apos;écoute</translation>
    </message>
    <message>
        <source>Core failed to start: %s</source>
        <translation>Le cœur n&apos;a pas pu démarrer : %s</translation>
    </message>
    <message>
        <source>scheduler off</source>
        <translation>planificateur arrêté</translation>
    </message>
    <message numerus="yes">
        <source>scheduler paused (%n jobs)</source>
        <translation>
            <numerusform>planificateur en pause (%n tâche)</numerusform>
            <numerusform>planificateur en pause (%n tâches)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>scheduler on (%n jobs)</source>
        <translation>
            <numerusform>planificateur actif (%n tâche)</numerusform>
            <numerusform>planificateur actif (%n tâches)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 running · %2 queued</source>
        <translation>%1 en cours · %2 en file</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <source>in less than a minute</source>
        <translation>dans moins d&apos;une minute</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>à l&apos;instant</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>dans %1</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>il y a %1</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 jours</translation>
    </message>
</context>
<context>
    <name>ToolDetail</name>
    <message>
        <source>Enabled</source>
        <translation>Activé</translation>
    </message>
    <message>
        <source>Add or edit profiles…</source>
        <translation>Ajouter ou modifier des profils…</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Profils</translation>
    </message>
    <message>
        <source>Action / parameter</source>
        <translation>Action / paramètre</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Actions</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>rien</translation>
    </message>
    <message>
        <source>Requires: %1</source>
        <translation>Requiert : %1</translation>
    </message>
    <message>
        <source>optional: %1</source>
        <translation>optionnel : %1</translation>
    </message>
    <message numerus="yes">
        <source>Google sign-in (%n scope(s))</source>
        <translation>
            <numerusform>Connexion Google (%n portée)</numerusform>
            <numerusform>Connexion Google (%n portées)</numerusform>
        </translation>
    </message>
    <message>
        <source>Disabled in the tool&apos;s config.json (&quot;enabled&quot;: false)</source>
        <translation>Désactivé dans le config.json de l&apos;outil (&quot;enabled&quot;: false)</translation>
    </message>
    <message>
        <source>Workflows that need a disabled tool are skipped with that reason</source>
        <translation>Les workflows qui ont besoin d&apos;un outil désactivé sont ignorés avec ce motif</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>intégré</translation>
    </message>
    <message>
        <source>workspace (overrides the built-in)</source>
        <translation>espace de travail (remplace l&apos;intégré)</translation>
    </message>
    <message>
        <source>workspace</source>
        <translation>espace de travail</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>Exemples</translation>
    </message>
    <message>
        <source>example %1</source>
        <translation>exemple %1</translation>
    </message>
</context>
<context>
    <name>ToolProfilesEditor</name>
    <message>
        <source>Tool</source>
        <translation>Outil</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Profile: a name whose variables TOOL_PROFILE_PARAM are set in config/.env, or INPUT_&lt;FIELD&gt; to take the tool&apos;s key from a run input.</source>
        <translation>Profil : un nom dont les variables TOOL_PROFILE_PARAM sont définies dans config/.env, ou INPUT_&lt;FIELD&gt; pour prendre la clé de l&apos;outil dans une entrée d&apos;exécution.</translation>
    </message>
    <message>
        <source>Add tool</source>
        <translation>Ajouter un outil</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
</context>
<context>
    <name>ToolTest</name>
    <message>
        <source>{tool} (profile {profile}): {reason}</source>
        <translation>{tool} (profil {profile}) : {reason}</translation>
    </message>
    <message>
        <source>authenticate() succeeded</source>
        <translation>authenticate() a réussi</translation>
    </message>
    <message>
        <source>authenticate() returned False</source>
        <translation>authenticate() a renvoyé False</translation>
    </message>
    <message>
        <source>missing {names}</source>
        <translation>manquant : {names}</translation>
    </message>
    <message>
        <source>INPUT_ profiles take their value from a run&apos;s input; test a named profile</source>
        <translation>les profils INPUT_ prennent leur valeur dans les données d&apos;une exécution ; testez un profil nommé</translation>
    </message>
</context>
<context>
    <name>ToolsView</name>
    <message>
        <source>Built-in tools ship with FlowDesk; add your own under &lt;code&gt;private/tools/&amp;lt;name&amp;gt;/&lt;/code&gt; with a config.json and a main.py defining a BaseTool subclass.</source>
        <translation>Les outils intégrés sont livrés avec FlowDesk ; ajoutez les vôtres dans &lt;code&gt;private/tools/&amp;lt;name&amp;gt;/&lt;/code&gt; avec un config.json et un main.py définissant une sous-classe de BaseTool.</translation>
    </message>
    <message>
        <source>Tools &amp; credentials</source>
        <translation>Outils et identifiants</translation>
    </message>
    <message>
        <source>Search tools…</source>
        <translation>Rechercher des outils…</translation>
    </message>
    <message>
        <source>New tool…</source>
        <translation>Nouvel outil…</translation>
    </message>
    <message>
        <source>No tools</source>
        <translation>Pas d&apos;outil</translation>
    </message>
    <message>
        <source>New tool</source>
        <translation>Nouvel outil</translation>
    </message>
    <message>
        <source>Cannot read the tools: %1</source>
        <translation>Impossible de lire les outils : %1</translation>
    </message>
    <message>
        <source>broken</source>
        <translation>cassé</translation>
    </message>
    <message>
        <source>on</source>
        <translation>activé</translation>
    </message>
    <message>
        <source>off</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>intégré</translation>
    </message>
    <message>
        <source>workspace</source>
        <translation>espace de travail</translation>
    </message>
    <message>
        <source>Connected %1 (%2).</source>
        <translation>%1 (%2) connecté.</translation>
    </message>
    <message>
        <source>broken: %1</source>
        <translation>cassé : %1</translation>
    </message>
    <message>
        <source>%n profile(s) need attention</source>
        <translation>%n profils demandent votre attention</translation>
    </message>
    <message>
        <source>Name (letters, digits and _):</source>
        <translation>Nom (lettres, chiffres et _) :</translation>
    </message>
    <message>
        <source>Could not create %1: %2</source>
        <translation>Impossible de créer %1 : %2</translation>
    </message>
    <message>
        <source>Cannot change %1: %2</source>
        <translation>Impossible de modifier %1 : %2</translation>
    </message>
    <message>
        <source>the test could not run: %1</source>
        <translation>le test n&apos;a pas pu tourner : %1</translation>
    </message>
    <message>
        <source>Finish signing in for %1 (%2) in your browser; this page updates when it is done.</source>
        <translation>Terminez la connexion de %1 (%2) dans votre navigateur ; cette page se met à jour une fois fini.</translation>
    </message>
    <message>
        <source>Cannot connect %1 (%2): %3</source>
        <translation>Impossible de connecter %1 (%2) : %3</translation>
    </message>
    <message>
        <source>Disconnect?</source>
        <translation>Déconnecter ?</translation>
    </message>
    <message>
        <source>Revoke the Google token of %1 (%2) and delete its token file? Workflows using it stop until you connect again.</source>
        <translation>Révoquer le jeton Google de %1 (%2) et supprimer son fichier ? Les workflows qui l&apos;utilisent s&apos;arrêtent jusqu&apos;à la reconnexion.</translation>
    </message>
    <message>
        <source>(revocation at Google failed: %1)</source>
        <translation>(la révocation chez Google a échoué : %1)</translation>
    </message>
    <message>
        <source>Disconnected %1 (%2)%3.</source>
        <translation>%1 (%2) déconnecté%3.</translation>
    </message>
    <message>
        <source>Cannot disconnect %1 (%2): %3</source>
        <translation>Impossible de déconnecter %1 (%2) : %3</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Show FlowDesk</source>
        <translation>Afficher FlowDesk</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Exécuter</translation>
    </message>
    <message>
        <source>Pause scheduler</source>
        <translation>Mettre le planificateur en pause</translation>
    </message>
    <message>
        <source>Quit FlowDesk</source>
        <translation>Quitter FlowDesk</translation>
    </message>
    <message>
        <source>No workflow runs without input</source>
        <translation>Aucun workflow ne s&apos;exécute sans entrée</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>au repos</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>a run failed</source>
        <translation>une exécution a échoué</translation>
    </message>
    <message>
        <source>scheduler paused</source>
        <translation>planificateur en pause</translation>
    </message>
    <message>
        <source>FlowDesk — %1</source>
        <translation>FlowDesk — %1</translation>
    </message>
</context>
<context>
    <name>WebhookTab</name>
    <message>
        <source>Webhook URL</source>
        <translation>URL du webhook</translation>
    </message>
    <message>
        <source>Webhook secret</source>
        <translation>Secret du webhook</translation>
    </message>
    <message>
        <source>Show the secret</source>
        <translation>Afficher le secret</translation>
    </message>
    <message>
        <source>Rotate…</source>
        <translation>Renouveler…</translation>
    </message>
    <message>
        <source>Replace the secret with a new random one; the old one stops working at once</source>
        <translation>Remplacer le secret par un nouveau, aléatoire ; l&apos;ancien cesse de fonctionner aussitôt</translation>
    </message>
    <message>
        <source>Put the secret in the snippets</source>
        <translation>Mettre le secret dans les extraits</translation>
    </message>
    <message>
        <source>Off: the snippets read it from an environment variable</source>
        <translation>Désactivé : les extraits le lisent dans une variable d&apos;environnement</translation>
    </message>
    <message>
        <source>%1 snippet</source>
        <translation>Extrait %1</translation>
    </message>
    <message>
        <source>Copy the %1 snippet</source>
        <translation>Copier l&apos;extrait %1</translation>
    </message>
    <message>
        <source>Send test request</source>
        <translation>Envoyer une requête de test</translation>
    </message>
    <message>
        <source>Copy webhook URL</source>
        <translation>Copier l&apos;URL du webhook</translation>
    </message>
    <message>
        <source>Copy the secret</source>
        <translation>Copier le secret</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentification</translation>
    </message>
    <message>
        <source>Snippets</source>
        <translation>Extraits de code</translation>
    </message>
    <message>
        <source>&lt;i&gt;Select a workflow.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Sélectionnez un workflow.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>This workflow does not accept webhooks yet: add &quot;webhook&quot; to its triggers (Edit ▸ Triggers).</source>
        <translation>Ce workflow n&apos;accepte pas encore de webhooks : ajoutez &quot;webhook&quot; à ses déclencheurs (Modifier ▸ Déclencheurs).</translation>
    </message>
    <message>
        <source>This workflow is switched off: webhooks are refused until it is on again.</source>
        <translation>Ce workflow est désactivé : les webhooks sont refusés jusqu&apos;à ce qu&apos;il soit réactivé.</translation>
    </message>
    <message>
        <source>not set: Rotate creates one</source>
        <translation>non défini : Renouveler en crée un</translation>
    </message>
    <message>
        <source>The FlowDesk API token, as &lt;code&gt;Authorization: Bearer &amp;lt;token&amp;gt;&lt;/code&gt;.</source>
        <translation>Le jeton d&apos;API de FlowDesk, en &lt;code&gt;Authorization: Bearer &amp;lt;token&amp;gt;&lt;/code&gt;.</translation>
    </message>
    <message>
        <source>None: anyone who can reach this address can start the workflow.</source>
        <translation>Aucune : quiconque peut joindre cette adresse peut lancer le workflow.</translation>
    </message>
    <message>
        <source>This workflow&apos;s own token, sent as is in the %1 header.</source>
        <translation>Le jeton propre à ce workflow, envoyé tel quel dans l&apos;en-tête %1.</translation>
    </message>
    <message>
        <source>An HMAC-SHA256 signature of the body with this workflow&apos;s secret, in the %1 header as &lt;code&gt;sha256=&amp;lt;hex&amp;gt;&lt;/code&gt;.</source>
        <translation>Une signature HMAC-SHA256 du corps avec le secret de ce workflow, dans l&apos;en-tête %1 sous la forme &lt;code&gt;sha256=&amp;lt;hex&amp;gt;&lt;/code&gt;.</translation>
    </message>
    <message>
        <source>Signed with a timestamp in %1: &quot;&amp;lt;timestamp&amp;gt;.&amp;lt;body&amp;gt;&quot;; older than 5 minutes or replayed is refused.</source>
        <translation>Signé avec un horodatage dans %1 : &quot;&amp;lt;timestamp&amp;gt;.&amp;lt;body&amp;gt;&quot; ; plus de 5 minutes ou rejoué : refusé.</translation>
    </message>
    <message>
        <source>The secret is the variable %1 (environment, then config/.env).</source>
        <translation>Le secret est la variable %1 (environnement, puis config/.env).</translation>
    </message>
    <message>
        <source>The secret is written in the workflow&apos;s config.json.</source>
        <translation>Le secret est écrit dans le config.json du workflow.</translation>
    </message>
    <message>
        <source>The secret is not set: rotate it first.</source>
        <translation>Le secret n&apos;est pas défini : renouvelez-le d&apos;abord.</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
    <message>
        <source>Accepted (%1): run %2</source>
        <translation>Acceptée (%1) : exécution %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>Refused (%1): %2</source>
        <translation>Refusée (%1) : %2</translation>
    </message>
    <message>
        <source>Could not reach the listener: %1</source>
        <translation>Impossible de joindre le serveur d&apos;écoute : %1</translation>
    </message>
    <message>
        <source>Rotate the webhook secret?</source>
        <translation>Renouveler le secret du webhook ?</translation>
    </message>
    <message>
        <source>Senders still using the current secret will be refused until they get the new one.</source>
        <translation>Les expéditeurs qui utilisent encore le secret actuel seront refusés jusqu&apos;à ce qu&apos;ils reçoivent le nouveau.</translation>
    </message>
    <message>
        <source>New secret written to %1.</source>
        <translation>Nouveau secret écrit dans %1.</translation>
    </message>
    <message>
        <source>Could not rotate: %1</source>
        <translation>Impossible de renouveler : %1</translation>
    </message>
</context>
<context>
    <name>WorkersPanel</name>
    <message>
        <source>Workers</source>
        <translation>Workers</translation>
    </message>
    <message>
        <source>No worker is online: runs wait in the queue. Start one on a machine that has this workspace (passwords show as ***):</source>
        <translation>Aucun worker en ligne : les exécutions attendent dans la file. Démarrez-en un sur une machine qui a cet espace de travail (les mots de passe sont remplacés par ***) :</translation>
    </message>
    <message>
        <source>Copy the command that starts a worker</source>
        <translation>Copier la commande qui démarre un worker</translation>
    </message>
    <message>
        <source>online</source>
        <translation>en ligne</translation>
    </message>
    <message>
        <source>late</source>
        <translation>en retard</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>perdu</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>il y a %1 s</translation>
    </message>
    <message>
        <source>%1 queued</source>
        <translation>%1 en attente</translation>
    </message>
    <message>
        <source>Runs waiting for a worker; %1 of them wait for their workflow&apos;s max_instances. The workers still beating can run %2 at once.</source>
        <translation>Exécutions qui attendent un worker ; %1 d&apos;entre elles attendent le max_instances de leur workflow. Les workers qui battent encore peuvent en exécuter %2 à la fois.</translation>
    </message>
    <message>
        <source>Host: %1</source>
        <translation>Hôte : %1</translation>
    </message>
    <message>
        <source>%1 of %2 running</source>
        <translation>%1 sur %2 en cours</translation>
    </message>
    <message>
        <source>Runs going now, out of its concurrency (the runs it takes at once)</source>
        <translation>Exécutions en cours, sur sa concurrence (les exécutions qu&apos;il prend à la fois)</translation>
    </message>
    <message>
        <source>Last heartbeat: %1</source>
        <translation>Dernier battement : %1</translation>
    </message>
    <message>
        <source>Cannot read the workers</source>
        <translation>Impossible de lire les workers</translation>
    </message>
</context>
<context>
    <name>WorkflowDetail</name>
    <message>
        <source>Run…</source>
        <translation>Exécuter…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Ouvrir le dossier</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Outils</translation>
    </message>
    <message>
        <source>Recent runs</source>
        <translation>Exécutions récentes</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <source>Select a workflow.</source>
        <translation>Sélectionnez un workflow.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>profile %1</source>
        <translation>profil %1</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>non installé</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>broken: %1</source>
        <translation>cassé : %1</translation>
    </message>
    <message>
        <source>missing %1</source>
        <translation>manque %1</translation>
    </message>
    <message>
        <source>from the run input (%1)</source>
        <translation>depuis l&apos;entrée de l&apos;exécution (%1)</translation>
    </message>
</context>
<context>
    <name>WorkflowTable</name>
    <message>
        <source> (paused)</source>
        <translation> (en pause)</translation>
    </message>
    <message>
        <source>broken</source>
        <translation>cassé</translation>
    </message>
    <message>
        <source>next %1</source>
        <translation>prochaine %1</translation>
    </message>
    <message>
        <source>invalid: %1</source>
        <translation>non valide : %1</translation>
    </message>
    <message>
        <source>Cannot be loaded:</source>
        <translation>Chargement impossible :</translation>
    </message>
    <message>
        <source>next</source>
        <translation>prochaine</translation>
    </message>
    <message>
        <source>local time</source>
        <translation>heure locale</translation>
    </message>
</context>
<context>
    <name>WorkflowsView</name>
    <message>
        <source>A workflow is a folder with a &lt;code&gt;config.json&lt;/code&gt; and a &lt;code&gt;main.py&lt;/code&gt;. Create one here or with &lt;code&gt;flowdesk new workflow NAME&lt;/code&gt;, or start from the examples.</source>
        <translation>Un workflow est un dossier avec un &lt;code&gt;config.json&lt;/code&gt; et un &lt;code&gt;main.py&lt;/code&gt;. Créez-en un ici ou avec &lt;code&gt;flowdesk new workflow NAME&lt;/code&gt;, ou partez des exemples.</translation>
    </message>
    <message>
        <source>Workflows</source>
        <translation>Workflows</translation>
    </message>
    <message>
        <source>Search name, category, description, trigger…</source>
        <translation>Rechercher nom, catégorie, description, déclencheur…</translation>
    </message>
    <message>
        <source>New workflow…</source>
        <translation>Nouveau workflow…</translation>
    </message>
    <message>
        <source>No workflows yet</source>
        <translation>Pas encore de workflow</translation>
    </message>
    <message>
        <source>New workflow</source>
        <translation>Nouveau workflow</translation>
    </message>
    <message>
        <source>Open the examples</source>
        <translation>Ouvrir les exemples</translation>
    </message>
    <message>
        <source>%n workflow(s)</source>
        <translation>%n workflows</translation>
    </message>
    <message>
        <source> · %n cannot be loaded</source>
        <translation> · %n ne peuvent pas être chargés</translation>
    </message>
    <message>
        <source>Could not switch %1 on: %2</source>
        <translation>Impossible d&apos;activer %1 : %2</translation>
    </message>
    <message>
        <source>Could not switch %1 off: %2</source>
        <translation>Impossible de désactiver %1 : %2</translation>
    </message>
    <message>
        <source>Name (letters, digits and _, e.g. weekly_report):</source>
        <translation>Nom (lettres, chiffres et _, ex. weekly_report) :</translation>
    </message>
    <message>
        <source>Created %1: edit its main.py and config.json.</source>
        <translation>%1 créé : modifiez son main.py et son config.json.</translation>
    </message>
    <message>
        <source>Could not create %1: %2</source>
        <translation>Impossible de créer %1 : %2</translation>
    </message>
    <message>
        <source>Added the examples: %1</source>
        <translation>Exemples ajoutés : %1</translation>
    </message>
    <message>
        <source>The examples are already in this workspace.</source>
        <translation>Les exemples sont déjà dans cet espace de travail.</translation>
    </message>
    <message>
        <source>Could not add the examples: %1</source>
        <translation>Impossible d&apos;ajouter les exemples : %1</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>FlowDesk is already running on data dir {folder} (pid {pid} listening on {url}); stop it first or use another --data-dir</source>
        <translation>FlowDesk tourne déjà sur le dossier de données {folder} (pid {pid}, à l&apos;écoute sur {url}) ; arrêtez-le d&apos;abord ou utilisez un autre --data-dir</translation>
    </message>
    <message>
        <source>FlowDesk is already running on data dir {folder} (pid {pid}); stop it first or use another --data-dir</source>
        <translation>FlowDesk tourne déjà sur le dossier de données {folder} (pid {pid}) ; arrêtez-le d&apos;abord ou utilisez un autre --data-dir</translation>
    </message>
    <message>
        <source>{path}: no workspace yet (run FlowDesk once to create it from the examples)</source>
        <translation>{path} : pas encore d&apos;espace de travail (lancez FlowDesk une fois pour le créer à partir des exemples)</translation>
    </message>
    <message>
        <source>{path}: workspace folder does not exist</source>
        <translation>{path} : le dossier de l&apos;espace de travail n&apos;existe pas</translation>
    </message>
    <message>
        <source>{path}: not a FlowDesk workspace (no private/ folder)</source>
        <translation>{path} : ce n&apos;est pas un espace de travail FlowDesk (pas de dossier private/)</translation>
    </message>
</context>
<context>
    <name>argparse</name>
    <message>
        <source>usage: </source>
        <translation>utilisation : </translation>
    </message>
    <message>
        <source>positional arguments</source>
        <translation>arguments positionnels </translation>
    </message>
    <message>
        <source>options</source>
        <translation>options </translation>
    </message>
    <message>
        <source>subcommands</source>
        <translation>sous-commandes </translation>
    </message>
    <message>
        <source>show this help message and exit</source>
        <translation>afficher ce message d&apos;aide et quitter</translation>
    </message>
    <message>
        <source>argument %(argument_name)s: %(message)s</source>
        <translation>argument %(argument_name)s : %(message)s</translation>
    </message>
    <message>
        <source>%(prog)s: error: %(message)s
</source>
        <translation>%(prog)s : erreur : %(message)s
</translation>
    </message>
    <message>
        <source>the following arguments are required: %s</source>
        <translation>les arguments suivants sont obligatoires : %s</translation>
    </message>
    <message>
        <source>one of the arguments %s is required</source>
        <translation>l&apos;un des arguments %s est obligatoire</translation>
    </message>
    <message>
        <source>unrecognized arguments: %s</source>
        <translation>arguments non reconnus : %s</translation>
    </message>
    <message>
        <source>not allowed with argument %s</source>
        <translation>non autorisé avec l&apos;argument %s</translation>
    </message>
    <message>
        <source>ignored explicit argument %r</source>
        <translation>argument explicite ignoré : %r</translation>
    </message>
    <message>
        <source>expected one argument</source>
        <translation>un argument attendu</translation>
    </message>
    <message>
        <source>expected at most one argument</source>
        <translation>au plus un argument attendu</translation>
    </message>
    <message>
        <source>expected at least one argument</source>
        <translation>au moins un argument attendu</translation>
    </message>
    <message>
        <source>expected %s argument</source>
        <translation>%s argument attendu</translation>
    </message>
    <message>
        <source>expected %s arguments</source>
        <translation>%s arguments attendus</translation>
    </message>
    <message>
        <source>ambiguous option: %(option)s could match %(matches)s</source>
        <translation>option ambiguë : %(option)s peut correspondre à %(matches)s</translation>
    </message>
    <message>
        <source>unexpected option string: %s</source>
        <translation>option inattendue : %s</translation>
    </message>
    <message>
        <source>invalid %(type)s value: %(value)r</source>
        <translation>valeur %(type)s non valide : %(value)r</translation>
    </message>
    <message>
        <source>invalid choice: %(value)r (choose from %(choices)s)</source>
        <translation>choix non valide : %(value)r (choisissez parmi %(choices)s)</translation>
    </message>
    <message>
        <source>unknown parser %(parser_name)r (choices: %(choices)s)</source>
        <translation>commande inconnue %(parser_name)r (choix : %(choices)s)</translation>
    </message>
    <message>
        <source>can&apos;t open &apos;%(filename)s&apos;: %(error)s</source>
        <translation>impossible d&apos;ouvrir « %(filename)s » : %(error)s</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <source>a FlowDesk cluster: status, or a demo on this machine</source>
        <translation>un cluster FlowDesk : état, ou une démo sur cette machine</translation>
    </message>
    <message>
        <source>workers, queue depth and runs by status</source>
        <translation>workers, profondeur de la file et exécutions par statut</translation>
    </message>
    <message>
        <source>machine-readable output</source>
        <translation>sortie lisible par une machine</translation>
    </message>
    <message>
        <source>embedded Valkey + PostgreSQL, serve and N workers on this machine, until Ctrl+C</source>
        <translation>Valkey + PostgreSQL embarqués, serve et N workers sur cette machine, jusqu&apos;à Ctrl+C</translation>
    </message>
    <message>
        <source>worker processes (default 3)</source>
        <translation>processus workers (défaut 3)</translation>
    </message>
    <message>
        <source>runs at once per worker (default 2)</source>
        <translation>exécutions simultanées par worker (défaut 2)</translation>
    </message>
    <message>
        <source>serve&apos;s port (default 8000)</source>
        <translation>port de serve (défaut 8000)</translation>
    </message>
    <message>
        <source>Workers (%1 alive of %2):</source>
        <translation>Workers (%1 en vie sur %2) :</translation>
    </message>
    <message>
        <source>alive</source>
        <translation>en vie</translation>
    </message>
    <message>
        <source>silent</source>
        <translation>muet</translation>
    </message>
    <message>
        <source>name</source>
        <translation>nom</translation>
    </message>
    <message>
        <source>host</source>
        <translation>hôte</translation>
    </message>
    <message>
        <source>concurrency</source>
        <translation>simultanéité</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>last heartbeat</source>
        <translation>dernier signe de vie</translation>
    </message>
    <message>
        <source>state</source>
        <translation>état</translation>
    </message>
    <message>
        <source>Queue: %1 queued run(s) in the store, %2 waiting for max_instances</source>
        <translation>File : %1 exécution(s) en attente dans la base, %2 en attente de max_instances</translation>
    </message>
    <message>
        <source>Broker: %1</source>
        <translation>Broker : %1</translation>
    </message>
    <message>
        <source>Broker: unreachable (%1)</source>
        <translation>Broker : injoignable (%1)</translation>
    </message>
    <message>
        <source>Runs by status: %1</source>
        <translation>Exécutions par statut : %1</translation>
    </message>
    <message>
        <source>--workers and --concurrency must be at least 1</source>
        <translation>--workers et --concurrency doivent valoir au moins 1</translation>
    </message>
    <message>
        <source>runs</source>
        <translation>exécutions</translation>
    </message>
    <message>
        <source>logs</source>
        <translation>journaux</translation>
    </message>
    <message>
        <source>job states</source>
        <translation>états des tâches planifiées</translation>
    </message>
    <message>
        <source>settings</source>
        <translation>réglages</translation>
    </message>
    <message>
        <source>webhook delivery ids</source>
        <translation>identifiants de livraison des webhooks</translation>
    </message>
    <message>
        <source>the run database: copy a workstation&apos;s history to a server</source>
        <translation>la base des exécutions : copier l&apos;historique d&apos;un poste vers un serveur</translation>
    </message>
    <message>
        <source>copy runs (with logs), job state and settings from the data dir&apos;s SQLite store into a PostgreSQL database (created or upgraded); safe to run again</source>
        <translation>copier les exécutions (avec journaux), l&apos;état des tâches et les réglages de la base SQLite du dossier de données vers une base PostgreSQL (créée ou mise à jour) ; peut être relancé sans risque</translation>
    </message>
    <message>
        <source>postgresql://user:password@host:5432/dbname</source>
        <translation>postgresql://user:password@host:5432/dbname</translation>
    </message>
    <message>
        <source>the workstation&apos;s data dir (default: $FLOWDESK_DATA_DIR, else the user data dir)</source>
        <translation>le dossier de données du poste (défaut : $FLOWDESK_DATA_DIR, sinon le dossier de données de l&apos;utilisateur)</translation>
    </message>
    <message>
        <source>log debug details to stderr</source>
        <translation>journaliser les détails de débogage sur stderr</translation>
    </message>
    <message>
        <source>runs per transaction (default %1)</source>
        <translation>exécutions par transaction (défaut %1)</translation>
    </message>
    <message>
        <source>--batch-size must be at least 1</source>
        <translation>--batch-size doit valoir au moins 1</translation>
    </message>
    <message>
        <source>%1: no SQLite store to copy (choose the data dir with --data-dir)</source>
        <translation>%1 : aucune base SQLite à copier (choisissez le dossier de données avec --data-dir)</translation>
    </message>
    <message>
        <source>%1: schema v%2</source>
        <translation>%1 : schéma v%2</translation>
    </message>
    <message>
        <source>%1: schema v%3 -&gt; v%2</source>
        <translation>%1 : schéma v%3 -&gt; v%2</translation>
    </message>
    <message>
        <source>%1: created at schema v%2</source>
        <translation>%1 : créée au schéma v%2</translation>
    </message>
    <message>
        <source>Copying %1 into %2</source>
        <translation>Copie de %1 vers %2</translation>
    </message>
    <message>
        <source>source</source>
        <translation>source</translation>
    </message>
    <message>
        <source>target</source>
        <translation>cible</translation>
    </message>
    <message>
        <source>runs: %1/%2 read, %3 new</source>
        <translation>exécutions : %1/%2 lues, %3 nouvelles</translation>
    </message>
    <message>
        <source>%1: %2 copied, %3 already there</source>
        <translation>%1 : %2 copié(s), %3 déjà présent(s)</translation>
    </message>
    <message>
        <source>done in %1 s</source>
        <translation>terminé en %1 s</translation>
    </message>
    <message>
        <source>workspace requirements: what is missing; `deps install` installs it into the workspace&apos;s own environment</source>
        <translation>dépendances de l&apos;espace de travail : ce qui manque ; `deps install` l&apos;installe dans l&apos;environnement propre à l&apos;espace de travail</translation>
    </message>
    <message>
        <source>install what is missing</source>
        <translation>installer ce qui manque</translation>
    </message>
    <message>
        <source>machine-readable output (the listing)</source>
        <translation>sortie lisible par une machine (la liste)</translation>
    </message>
    <message>
        <source>no requirement files</source>
        <translation>aucun fichier de dépendances</translation>
    </message>
    <message>
        <source>environment: none installed yet</source>
        <translation>environnement : aucun installé pour l&apos;instant</translation>
    </message>
    <message>
        <source>current</source>
        <translation>à jour</translation>
    </message>
    <message>
        <source>the previous one: the requirements changed since</source>
        <translation>le précédent : les dépendances ont changé depuis</translation>
    </message>
    <message>
        <source>environment: %1 (%2)</source>
        <translation>environnement : %1 (%2)</translation>
    </message>
    <message>
        <source>Workspace %1: %2</source>
        <translation>Espace de travail %1 : %2</translation>
    </message>
    <message>
        <source>bundled</source>
        <translation>fourni</translation>
    </message>
    <message>
        <source>workspace env</source>
        <translation>environnement de l&apos;espace de travail</translation>
    </message>
    <message>
        <source>missing dependency %1 (%2)</source>
        <translation>dépendance manquante %1 (%2)</translation>
    </message>
    <message>
        <source>, %1 installed</source>
        <translation>, %1 installé</translation>
    </message>
    <message>
        <source>FlowDesk&apos;s own %1 %2 is imported first and does not satisfy it</source>
        <translation>le %1 %2 de FlowDesk est importé en premier et ne convient pas</translation>
    </message>
    <message>
        <source>%1 missing: run `flowdesk deps install`</source>
        <translation>%1 manquant(s) : lancez `flowdesk deps install`</translation>
    </message>
    <message>
        <source>Everything is installed.</source>
        <translation>Tout est installé.</translation>
    </message>
    <message>
        <source>Installed %1</source>
        <translation>Installé : %1</translation>
    </message>
    <message>
        <source>Lock: %1</source>
        <translation>Verrou : %1</translation>
    </message>
    <message>
        <source>not installed: %1</source>
        <translation>non installé : %1</translation>
    </message>
    <message>
        <source>workflows, tools and interfaces, broken ones with why</source>
        <translation>workflows, outils et interfaces, ceux qui sont cassés avec la raison</translation>
    </message>
    <message>
        <source>skip importing each workflow and tool in a worker</source>
        <translation>ne pas importer chaque workflow et outil dans un worker</translation>
    </message>
    <message>
        <source>validate the workspace: exit 1 and one line per broken file</source>
        <translation>valider l&apos;espace de travail : code de sortie 1 et une ligne par fichier cassé</translation>
    </message>
    <message>
        <source>tool</source>
        <translation>outil</translation>
    </message>
    <message>
        <source>interface</source>
        <translation>interface</translation>
    </message>
    <message>
        <source>Workspace %1</source>
        <translation>Espace de travail %1</translation>
    </message>
    <message>
        <source>Workflows</source>
        <translation>Workflows</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>category</source>
        <translation>catégorie</translation>
    </message>
    <message>
        <source>triggers</source>
        <translation>déclencheurs</translation>
    </message>
    <message>
        <source>schedule</source>
        <translation>planification</translation>
    </message>
    <message>
        <source>active</source>
        <translation>actif</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Outils</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>intégré</translation>
    </message>
    <message>
        <source>workspace</source>
        <translation>espace de travail</translation>
    </message>
    <message>
        <source>actions</source>
        <translation>actions</translation>
    </message>
    <message>
        <source>Interfaces</source>
        <translation>Interfaces</translation>
    </message>
    <message>
        <source>route</source>
        <translation>route</translation>
    </message>
    <message>
        <source>Broken</source>
        <translation>Cassés</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>Avertissements</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>avertissement : %1</translation>
    </message>
    <message>
        <source>%1 error(s), %2 warning(s)</source>
        <translation>%1 erreur(s), %2 avertissement(s)</translation>
    </message>
    <message>
        <source>scheduled workflows with next_run / last_run</source>
        <translation>workflows planifiés avec next_run / last_run</translation>
    </message>
    <message>
        <source> (inactive)</source>
        <translation> (désactivé)</translation>
    </message>
    <message>
        <source>in words</source>
        <translation>en clair</translation>
    </message>
    <message>
        <source>timezone</source>
        <translation>fuseau horaire</translation>
    </message>
    <message>
        <source>next run</source>
        <translation>prochaine exécution</translation>
    </message>
    <message>
        <source>last run</source>
        <translation>dernière exécution</translation>
    </message>
    <message>
        <source>last status</source>
        <translation>dernier statut</translation>
    </message>
    <message>
        <source>running (pid %1, %2)</source>
        <translation>en cours (pid %1, %2)</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>arrêté</translation>
    </message>
    <message>
        <source>Scheduler: %1</source>
        <translation>Planificateur : %1</translation>
    </message>
    <message>
        <source>, paused</source>
        <translation>, en pause</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>erreur : %1</translation>
    </message>
    <message>
        <source>with no command: the app&apos;s listener port for this launch (default $FLOWDESK_PORT, else Settings)</source>
        <translation>sans commande : le port d&apos;écoute de l&apos;application pour ce lancement (défaut $FLOWDESK_PORT, sinon les Paramètres)</translation>
    </message>
    <message>
        <source>with no command: the app&apos;s listener address for this launch (default $FLOWDESK_HOST, else 127.0.0.1)</source>
        <translation>sans commande : l&apos;adresse d&apos;écoute de l&apos;application pour ce lancement (défaut $FLOWDESK_HOST, sinon 127.0.0.1)</translation>
    </message>
    <message>
        <source>Local-first workflow automation. With no command, opens the desktop app.</source>
        <translation>Automatisation de workflows en local. Sans commande, ouvre l&apos;application de bureau.</translation>
    </message>
    <message>
        <source>show program&apos;s version number and exit</source>
        <translation>afficher le numéro de version du programme et quitter</translation>
    </message>
    <message>
        <source>with no command: the app&apos;s workspace folder for this launch (default $FLOWDESK_WORKSPACE, else Settings)</source>
        <translation>sans commande : le dossier de l&apos;espace de travail de l&apos;application pour ce lancement (défaut $FLOWDESK_WORKSPACE, sinon les Paramètres)</translation>
    </message>
    <message>
        <source>with no command: the app&apos;s settings, database, logs and API token (default $FLOWDESK_DATA_DIR, else the user data dir)</source>
        <translation>sans commande : les paramètres, la base, les journaux et le jeton d&apos;API de l&apos;application (défaut $FLOWDESK_DATA_DIR, sinon le dossier de données de l&apos;utilisateur)</translation>
    </message>
    <message>
        <source>with no command: open the app (or the running one) on this interface</source>
        <translation>sans commande : ouvrir l&apos;application (ou celle qui tourne) sur cette interface</translation>
    </message>
    <message>
        <source>workspace folder (default: $FLOWDESK_WORKSPACE, the current folder if it has private/, else ~/FlowDesk)</source>
        <translation>dossier de l&apos;espace de travail (défaut : $FLOWDESK_WORKSPACE, le dossier courant s&apos;il a private/, sinon ~/FlowDesk)</translation>
    </message>
    <message>
        <source>database, logs and API token (default: $FLOWDESK_DATA_DIR, else the user data dir)</source>
        <translation>base de données, journaux et jeton d&apos;API (défaut : $FLOWDESK_DATA_DIR, sinon le dossier de données de l&apos;utilisateur)</translation>
    </message>
    <message>
        <source>run history database: postgresql://user:pass@host/db (default: $FLOWDESK_DATABASE_URL, else the data dir&apos;s SQLite file)</source>
        <translation>base de l&apos;historique des exécutions : postgresql://user:pass@host/db (défaut : $FLOWDESK_DATABASE_URL, sinon le fichier SQLite du dossier de données)</translation>
    </message>
    <message>
        <source>create a working workflow, tool or interface folder</source>
        <translation>créer un dossier de workflow, d&apos;outil ou d&apos;interface qui fonctionne</translation>
    </message>
    <message>
        <source>what to create</source>
        <translation>ce qu&apos;il faut créer</translation>
    </message>
    <message>
        <source>folder name: letters, digits and underscores</source>
        <translation>nom du dossier : lettres, chiffres et tirets bas</translation>
    </message>
    <message>
        <source>created %1</source>
        <translation>%1 créé</translation>
    </message>
    <message>
        <source>run it: flowdesk run %1</source>
        <translation>lancez-le : flowdesk run %1</translation>
    </message>
    <message>
        <source>test it: flowdesk tools test %1 --profile DEFAULT</source>
        <translation>testez-le : flowdesk tools test %1 --profile DEFAULT</translation>
    </message>
    <message>
        <source>open it from the app, or at its route once `flowdesk serve` runs</source>
        <translation>ouvrez-la depuis l&apos;application, ou à sa route une fois `flowdesk serve` lancé</translation>
    </message>
    <message>
        <source>connect, check or disconnect Google accounts of tool profiles</source>
        <translation>connecter, vérifier ou déconnecter les comptes Google des profils d&apos;outils</translation>
    </message>
    <message>
        <source>sign in with Google and write the profile&apos;s token file</source>
        <translation>se connecter avec Google et écrire le fichier de jeton du profil</translation>
    </message>
    <message>
        <source>tool name or alias (google_calendar, calendar, drive, sheets...)</source>
        <translation>nom ou alias de l&apos;outil (google_calendar, calendar, drive, sheets...)</translation>
    </message>
    <message>
        <source>profile name (default DEFAULT)</source>
        <translation>nom du profil (défaut DEFAULT)</translation>
    </message>
    <message>
        <source>only print the URL to open</source>
        <translation>afficher seulement l&apos;URL à ouvrir</translation>
    </message>
    <message>
        <source>callback port on 127.0.0.1 (default: 8000 for &apos;web&apos; clients, as registered for the seed platform; a free port for &apos;installed&apos; clients)</source>
        <translation>port de retour sur 127.0.0.1 (défaut : 8000 pour les clients &apos;web&apos;, comme enregistrés pour la plateforme d&apos;origine ; un port libre pour les clients &apos;installed&apos;)</translation>
    </message>
    <message>
        <source>seconds to wait for the sign-in (default 300)</source>
        <translation>secondes à attendre la connexion (défaut 300)</translation>
    </message>
    <message>
        <source>token state of every OAuth tool profile</source>
        <translation>état du jeton de chaque profil d&apos;outil OAuth</translation>
    </message>
    <message>
        <source>only this tool</source>
        <translation>seulement cet outil</translation>
    </message>
    <message>
        <source>only this profile</source>
        <translation>seulement ce profil</translation>
    </message>
    <message>
        <source>also refresh each token at the provider to prove it works</source>
        <translation>rafraîchir aussi chaque jeton chez le fournisseur pour prouver qu&apos;il fonctionne</translation>
    </message>
    <message>
        <source>revoke the token at Google and delete the file</source>
        <translation>révoquer le jeton chez Google et supprimer le fichier</translation>
    </message>
    <message>
        <source>tool name or alias</source>
        <translation>nom ou alias de l&apos;outil</translation>
    </message>
    <message>
        <source>profile name</source>
        <translation>nom du profil</translation>
    </message>
    <message>
        <source>Google did not grant access (%1)</source>
        <translation>Google n&apos;a pas accordé l&apos;accès (%1)</translation>
    </message>
    <message>
        <source>port %1 is already in use (is FlowDesk serving on it?). Connect from the running app: %2, or pass --port with a port your OAuth client allows</source>
        <translation>le port %1 est déjà utilisé (FlowDesk l&apos;écoute-t-il ?). Connectez-vous depuis l&apos;application lancée : %2, ou passez --port avec un port autorisé par votre client OAuth</translation>
    </message>
    <message>
        <source>Sign in to connect %1; scopes: %2</source>
        <translation>Connectez-vous pour relier %1 ; portées : %2</translation>
    </message>
    <message>
        <source>The token is shared with %1.</source>
        <translation>Le jeton est partagé avec %1.</translation>
    </message>
    <message>
        <source>Open this URL if no browser opened:</source>
        <translation>Ouvrez cette URL si aucun navigateur ne s&apos;est ouvert :</translation>
    </message>
    <message>
        <source>no answer from Google within %1 s; run the command again</source>
        <translation>pas de réponse de Google en %1 s ; relancez la commande</translation>
    </message>
    <message>
        <source>%1 is not configured: set %2 in %3</source>
        <translation>%1 n&apos;est pas configuré : renseignez %2 dans %3</translation>
    </message>
    <message>
        <source>%1 not connected: %2</source>
        <translation>%1 non connecté : %2</translation>
    </message>
    <message>
        <source>Connected %1 (profile %2); token written to %3</source>
        <translation>%1 connecté (profil %2) ; jeton écrit dans %3</translation>
    </message>
    <message>
        <source>Warning: Google did not grant %1</source>
        <translation>Attention : Google n&apos;a pas accordé %1</translation>
    </message>
    <message>
        <source>not configured</source>
        <translation>non configuré</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>connecté</translation>
    </message>
    <message>
        <source>connected (refresh due)</source>
        <translation>connecté (renouvellement à faire)</translation>
    </message>
    <message>
        <source>reconnect needed</source>
        <translation>reconnexion nécessaire</translation>
    </message>
    <message>
        <source>No OAuth tool in this workspace.</source>
        <translation>Aucun outil OAuth dans cet espace de travail.</translation>
    </message>
    <message>
        <source>profile</source>
        <translation>profil</translation>
    </message>
    <message>
        <source>expires</source>
        <translation>expiration</translation>
    </message>
    <message>
        <source>scopes</source>
        <translation>portées</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>raison</translation>
    </message>
    <message>
        <source>%1 is not configured: set %2</source>
        <translation>%1 n&apos;est pas configuré : renseignez %2</translation>
    </message>
    <message>
        <source>%1 was not connected (no token file at %2)</source>
        <translation>%1 n&apos;était pas connecté (pas de fichier de jeton dans %2)</translation>
    </message>
    <message>
        <source>revoked at Google</source>
        <translation>révoqué chez Google</translation>
    </message>
    <message>
        <source>not revoked (%1)</source>
        <translation>non révoqué (%1)</translation>
    </message>
    <message>
        <source>already invalid</source>
        <translation>déjà invalide</translation>
    </message>
    <message>
        <source>Disconnected %1: token file deleted, %2</source>
        <translation>%1 déconnecté : fichier de jeton supprimé, %2</translation>
    </message>
    <message>
        <source>The token was shared: %1 must be connected again too.</source>
        <translation>Le jeton était partagé : %1 doit aussi être reconnecté.</translation>
    </message>
    <message>
        <source>open an interface (default: the dashboard) in the browser, signed in</source>
        <translation>ouvrir une interface (défaut : le tableau de bord) dans le navigateur, connecté</translation>
    </message>
    <message>
        <source>Open an interface of the running FlowDesk (serve or the app) in the web browser ($BROWSER is honoured). The browser signs in with a one-time code that the service trades for a session cookie (%1, /auth/login), so the API token never appears in the URL or the history, and bookmarks work afterwards.</source>
        <translation>Ouvre une interface du FlowDesk lancé (serve ou l&apos;application) dans le navigateur ($BROWSER est respecté). Le navigateur se connecte avec un code à usage unique que le service échange contre un cookie de session (%1, /auth/login) : le jeton d&apos;API n&apos;apparaît jamais dans l&apos;URL ni dans l&apos;historique, et les favoris fonctionnent ensuite.</translation>
    </message>
    <message>
        <source>interface folder or display name (default: the dashboard at /)</source>
        <translation>dossier ou nom affiché de l&apos;interface (défaut : le tableau de bord à /)</translation>
    </message>
    <message>
        <source>print the one-time URL instead of starting a browser (valid once, for 60 seconds)</source>
        <translation>afficher l&apos;URL à usage unique au lieu de lancer un navigateur (valable une fois, 60 secondes)</translation>
    </message>
    <message>
        <source>no web browser could be started; open this link within 60 seconds (it works once):</source>
        <translation>aucun navigateur n&apos;a pu être lancé ; ouvrez ce lien dans les 60 secondes (il ne fonctionne qu&apos;une fois) :</translation>
    </message>
    <message>
        <source>Opened %1 in the browser</source>
        <translation>%1 ouvert dans le navigateur</translation>
    </message>
    <message>
        <source>run a workflow once and print the run record as JSON</source>
        <translation>exécuter un workflow une fois et afficher l&apos;enregistrement de l&apos;exécution en JSON</translation>
    </message>
    <message>
        <source>Run a workflow once. Input comes from --data (a JSON object, or @file.json) and -p key=value pairs (repeat a key for a list); -p wins over --data.</source>
        <translation>Exécute un workflow une fois. L&apos;entrée vient de --data (un objet JSON, ou @fichier.json) et de paires -p clé=valeur (répétez une clé pour une liste) ; -p l&apos;emporte sur --data.</translation>
    </message>
    <message>
        <source>workflow folder name (or its display name)</source>
        <translation>nom du dossier du workflow (ou son nom affiché)</translation>
    </message>
    <message>
        <source>input as a JSON object, e.g. &apos;{&quot;name&quot;: &quot;Ada&quot;}&apos;, or @path.json</source>
        <translation>entrée en objet JSON, ex. &apos;{&quot;name&quot;: &quot;Ada&quot;}&apos;, ou @chemin.json</translation>
    </message>
    <message>
        <source>one input value</source>
        <translation>une valeur d&apos;entrée</translation>
    </message>
    <message>
        <source>leave the captured log out of the printed record</source>
        <translation>laisser le journal capturé hors de l&apos;enregistrement affiché</translation>
    </message>
    <message>
        <source>run it even if its config.json says &quot;active&quot;: false</source>
        <translation>l&apos;exécuter même si son config.json dit &quot;active&quot;: false</translation>
    </message>
    <message>
        <source>--data: invalid JSON at line %1 column %2: %3</source>
        <translation>--data : JSON invalide ligne %1 colonne %2 : %3</translation>
    </message>
    <message>
        <source>--data: must be a JSON object</source>
        <translation>--data : doit être un objet JSON</translation>
    </message>
    <message>
        <source>-p %1: expected KEY=VALUE</source>
        <translation>-p %1 : CLÉ=VALEUR attendu</translation>
    </message>
    <message>
        <source>workflow %1 is inactive (&quot;active&quot;: false in %2); run it anyway with: flowdesk run %3 --force</source>
        <translation>le workflow %1 est désactivé (&quot;active&quot;: false dans %2) ; lancez-le quand même avec : flowdesk run %3 --force</translation>
    </message>
    <message>
        <source>invalid input for workflow %1:</source>
        <translation>entrée invalide pour le workflow %1 :</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>run history (newest first)</source>
        <translation>historique des exécutions (les plus récentes d&apos;abord)</translation>
    </message>
    <message>
        <source>only this workflow</source>
        <translation>seulement ce workflow</translation>
    </message>
    <message>
        <source>only runs with this status</source>
        <translation>seulement les exécutions avec ce statut</translation>
    </message>
    <message>
        <source>only runs started this way</source>
        <translation>seulement les exécutions lancées ainsi</translation>
    </message>
    <message>
        <source>how many (default 20)</source>
        <translation>combien (défaut 20)</translation>
    </message>
    <message>
        <source>show one run in full, with its log</source>
        <translation>afficher une exécution en entier, avec son journal</translation>
    </message>
    <message>
        <source>run %1 not found</source>
        <translation>exécution %1 introuvable</translation>
    </message>
    <message>
        <source>No runs yet. Start one with: flowdesk run %1</source>
        <translation>Pas encore d&apos;exécution. Lancez-en une avec : flowdesk run %1</translation>
    </message>
    <message>
        <source>id</source>
        <translation>id</translation>
    </message>
    <message>
        <source>workflow</source>
        <translation>workflow</translation>
    </message>
    <message>
        <source>trigger</source>
        <translation>déclencheur</translation>
    </message>
    <message>
        <source>status</source>
        <translation>statut</translation>
    </message>
    <message>
        <source>started</source>
        <translation>début</translation>
    </message>
    <message>
        <source>duration</source>
        <translation>durée</translation>
    </message>
    <message>
        <source>message</source>
        <translation>message</translation>
    </message>
    <message>
        <source>run the scheduler and the HTTP listener without a window</source>
        <translation>lancer le planificateur et le serveur HTTP sans fenêtre</translation>
    </message>
    <message>
        <source>default %1</source>
        <translation>défaut %1</translation>
    </message>
    <message>
        <source>default %1; 0 picks a free port</source>
        <translation>défaut %1 ; 0 choisit un port libre</translation>
    </message>
    <message>
        <source>seconds running runs get to finish on stop</source>
        <translation>secondes laissées aux exécutions en cours pour finir à l&apos;arrêt</translation>
    </message>
    <message>
        <source>do not reload when files under private/ change</source>
        <translation>ne pas recharger quand des fichiers de private/ changent</translation>
    </message>
    <message>
        <source>FLOWDESK_API_TOKEN in %1</source>
        <translation>FLOWDESK_API_TOKEN dans %1</translation>
    </message>
    <message>
        <source>FlowDesk listening on %1  (workspace %2)</source>
        <translation>FlowDesk à l&apos;écoute sur %1  (espace de travail %2)</translation>
    </message>
    <message>
        <source>API token: %1  |  %2 workflows, %3 schedules, %4 broken  |  Ctrl+C to stop</source>
        <translation>Jeton d&apos;API : %1  |  %2 workflows, %3 planifications, %4 cassés  |  Ctrl+C pour arrêter</translation>
    </message>
    <message>
        <source>Cluster mode: runs go to the workers of %1</source>
        <translation>Mode cluster : les exécutions vont aux workers de %1</translation>
    </message>
    <message>
        <source>every tool: source, actions, each profile&apos;s status</source>
        <translation>chaque outil : source, actions, état de chaque profil</translation>
    </message>
    <message>
        <source>List tools; `flowdesk tools test TOOL --profile P` checks one profile for real.</source>
        <translation>Liste les outils ; `flowdesk tools test OUTIL --profile P` vérifie un profil pour de vrai.</translation>
    </message>
    <message>
        <source>build the tool with a profile and run authenticate()</source>
        <translation>construire l&apos;outil avec un profil et lancer authenticate()</translation>
    </message>
    <message>
        <source>missing %1</source>
        <translation>manquant : %1</translation>
    </message>
    <message>
        <source>configured</source>
        <translation>configuré</translation>
    </message>
    <message>
        <source>connected, token valid until %1</source>
        <translation>connecté, jeton valide jusqu&apos;au %1</translation>
    </message>
    <message>
        <source>reconnect needed: %1 (%2)</source>
        <translation>reconnexion nécessaire : %1 (%2)</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>activé</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>%1 (in code)</source>
        <translation>%1 (dans le code)</translation>
    </message>
    <message>
        <source>actions: %1</source>
        <translation>actions : %1</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>depuis %1</translation>
    </message>
    <message>
        <source>OK </source>
        <translation>OK </translation>
    </message>
    <message>
        <source>FAIL </source>
        <translation>ÉCHEC </translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>note : %1</translation>
    </message>
    <message>
        <source>Redis/Valkey URL of the cluster&apos;s broker, e.g. redis://host:6379/0 (default: $FLOWDESK_BROKER_URL)</source>
        <translation>URL Redis/Valkey du broker du cluster, ex. redis://host:6379/0 (défaut : $FLOWDESK_BROKER_URL)</translation>
    </message>
    <message>
        <source>the cluster mode needs %1: pip install &apos;flowdesk[cluster]&apos; (the desktop bundle does not carry them)</source>
        <translation>le mode cluster a besoin de %1 : pip install &apos;flowdesk[cluster]&apos; (le paquet de bureau ne les contient pas)</translation>
    </message>
    <message>
        <source>run queued runs of a FlowDesk cluster on this machine</source>
        <translation>exécuter sur cette machine les exécutions en file d&apos;un cluster FlowDesk</translation>
    </message>
    <message>
        <source>runs at once on this worker (default 4)</source>
        <translation>exécutions simultanées sur ce worker (défaut 4)</translation>
    </message>
    <message>
        <source>worker name shown by `flowdesk cluster status` (default &lt;host&gt;-&lt;pid&gt;)</source>
        <translation>nom du worker affiché par `flowdesk cluster status` (défaut &lt;host&gt;-&lt;pid&gt;)</translation>
    </message>
    <message>
        <source>seconds running runs get to finish on SIGTERM before they end interrupted (and retry)</source>
        <translation>secondes laissées aux exécutions en cours sur SIGTERM avant qu&apos;elles finissent interrompues (et soient retentées)</translation>
    </message>
    <message>
        <source>send Celery task events from the start (Flower turns them on by itself when it connects)</source>
        <translation>envoyer les événements de tâches Celery dès le départ (Flower les active lui-même quand il se connecte)</translation>
    </message>
    <message>
        <source>SQLite in %1</source>
        <translation>SQLite dans %1</translation>
    </message>
    <message>
        <source>FlowDesk worker %1 ready: concurrency %2, broker %3, database %4, workspace %5  |  Ctrl+C to stop</source>
        <translation>Worker FlowDesk %1 prêt : simultanéité %2, broker %3, base %4, espace de travail %5  |  Ctrl+C pour arrêter</translation>
    </message>
    <message>
        <source>--concurrency must be at least 1</source>
        <translation>--concurrency doit valoir au moins 1</translation>
    </message>
    <message>
        <source>FlowDesk is already open on this data dir; its window was brought forward.</source>
        <translation>FlowDesk est déjà ouvert sur ce dossier de données ; sa fenêtre a été mise au premier plan.</translation>
    </message>
    <message>
        <source>FlowDesk cannot open its window: no display found (DISPLAY and WAYLAND_DISPLAY are unset).
On a server, run the same scheduler and API without a window: flowdesk serve</source>
        <translation>FlowDesk ne peut pas ouvrir sa fenêtre : aucun écran trouvé (DISPLAY et WAYLAND_DISPLAY ne sont pas définies).
Sur un serveur, lancez le même planificateur et la même API sans fenêtre : flowdesk serve</translation>
    </message>
</context>
</TS>
