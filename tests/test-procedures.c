/* test-procedures.c (suite procedures): the procedures engine. Every field type's validation with
 * its French message, every condition operator, repeated blocks, eligibility stops, documents
 * asked by answers, every rejected definition; then a citizen fills a procedure with a repeated
 * block and a page hidden by a condition in the real window, and the reference portal receives
 * exactly those answers and those bytes. */
#define _GNU_SOURCE
#include "kiosk-test-util.h"

#include "kiosk-catalogue.h"
#include "kiosk-catalogue-index.h"
#include "kiosk-condition.h"
#include "kiosk-documents-page.h"
#include "kiosk-draft-page.h"
#include "kiosk-drafts.h"
#include "kiosk-form-page.h"
#include "kiosk-json.h"
#include "kiosk-validate.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static KioskTestPortal *portal;

static char *
fixture_path (const char *name)
{
  return g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "tests", "procedures", name, NULL);
}

static KioskCatalogue *
load_catalogue (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GBytes) bytes = NULL;
  KioskCatalogue *catalogue;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  catalogue = kiosk_catalogue_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return catalogue;
}

static KioskProcedure *
engine_procedure (void)
{
  g_autofree char *path = fixture_path ("engine.json");
  g_autoptr(KioskCatalogue) catalogue = load_catalogue (path);

  g_assert_cmpuint (kiosk_catalogue_get_rejections (catalogue)->len, ==, 0);
  return g_object_ref (kiosk_catalogue_lookup (catalogue, "aide-rentree"));
}

/* A field of @type parsed from JSON, so the test goes through the real parser. */
static KioskProcedure *
procedure_with_field (const char *field_json)
{
  g_autofree char *json = g_strdup_printf ("{\"slug\":\"t\",\"title\":\"T\",\"pages\":[{\"fields\":[%s]}]}",
                                           field_json);
  g_autoptr(JsonObject) object = kiosk_json_parse_object (json, -1, NULL);
  g_autoptr(GError) error = NULL;
  KioskProcedure *procedure;

  g_assert_nonnull (object);
  procedure = kiosk_procedure_new_from_json (object, &error);
  g_assert_no_error (error);
  return procedure;
}

/* Checks that @text is accepted and becomes @expected (JSON), or is refused with @message. */
static void
check_answer (const KioskField *field,
              const char       *text,
              const char       *expected,
              const char       *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) value = kiosk_field_validate (field, text, &error);

  if (expected != NULL)
    {
      g_autofree char *json = NULL;

      if (error != NULL)
        g_error ("“%s” refused for %s: %s", text, field->varname, error->message);
      json = kiosk_json_to_string (value);
      g_assert_cmpstr (json, ==, expected);
    }
  else
    {
      if (value != NULL)
        g_error ("“%s” accepted for %s", text, field->varname);
      g_assert_error (error, KIOSK_FIELD_ERROR, KIOSK_FIELD_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, message);
    }
}

static void
test_field_types (void)
{
  static const struct { const char *json; const char *text; const char *expected; const char *message; } cases[] = {
    { "{\"varname\":\"v\",\"label\":\"Nom\",\"type\":\"string\",\"required\":true}", "  Wamytan ", "\"Wamytan\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"Nom\",\"type\":\"string\",\"required\":true}", "   ", NULL,
      "« Nom » est obligatoire. Veuillez répondre à cette question." },
    { "{\"varname\":\"v\",\"label\":\"Motif\",\"type\":\"text\"}", "Ligne 1\nLigne 2", "\"Ligne 1\\nLigne 2\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"Motif\",\"type\":\"text\"}", "", "null", NULL },
    { "{\"varname\":\"v\",\"label\":\"Personnes\",\"type\":\"int\",\"min\":1,\"max\":15}", "4", "4", NULL },
    { "{\"varname\":\"v\",\"label\":\"Personnes\",\"type\":\"int\",\"min\":1,\"max\":15}", "40", NULL,
      "« Personnes » : saisissez un nombre entre 1 et 15." },
    { "{\"varname\":\"v\",\"label\":\"Personnes\",\"type\":\"int\"}", "quatre", NULL,
      "« Personnes » : saisissez un nombre entier, en chiffres uniquement." },
    { "{\"varname\":\"v\",\"label\":\"Revenus\",\"type\":\"amount\"}", "137 280", "137280", NULL },
    { "{\"varname\":\"v\",\"label\":\"Revenus\",\"type\":\"amount\"}", "137280,50", NULL,
      "« Revenus » : saisissez un montant en francs, en chiffres uniquement, sans centimes." },
    { "{\"varname\":\"v\",\"label\":\"Naissance\",\"type\":\"date\"}", "12/04/1961", "\"1961-04-12\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"Naissance\",\"type\":\"date\"}", "31/02/1961", NULL,
      "« Naissance » : saisissez une date sous la forme jour/mois/année, par exemple 12/04/1961." },
    { "{\"varname\":\"v\",\"label\":\"Naissance\",\"type\":\"date\",\"not_after\":\"today\"}", "01/01/2099", NULL,
      "« Naissance » : cette date est dans le futur. Vérifiez-la." },
    { "{\"varname\":\"v\",\"label\":\"Début\",\"type\":\"date\",\"not_before\":\"today\"}", "01/01/2001", NULL,
      "« Début » : cette date est déjà passée. Choisissez aujourd’hui ou une date plus tard." },
    { "{\"varname\":\"v\",\"label\":\"Fin\",\"type\":\"date\",\"not_after\":\"2030-06-30\"}", "01/07/2030", NULL,
      "« Fin » : la date doit être le 30/06/2030 ou avant." },
    { "{\"varname\":\"v\",\"label\":\"Naissance\",\"type\":\"date\",\"min_age\":60}", "01/01/2000", NULL,
      "« Naissance » : la personne doit avoir au moins 60 ans." },
    { "{\"varname\":\"v\",\"label\":\"Naissance\",\"type\":\"date\",\"max_age\":20}", "01/01/1961", NULL,
      "« Naissance » : la personne doit avoir au plus 20 ans." },
    { "{\"varname\":\"v\",\"label\":\"Salarié\",\"type\":\"bool\",\"required\":true}", "false", "false", NULL },
    { "{\"varname\":\"v\",\"label\":\"Salarié\",\"type\":\"bool\"}", "maybe", NULL, "« Salarié » : choisissez Oui ou Non." },
    { "{\"varname\":\"v\",\"label\":\"Couverture\",\"type\":\"item\",\"items\":[{\"id\":\"a\",\"text\":\"A\"},{\"id\":\"b\",\"text\":\"B\"}]}", "b", "\"b\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"Couverture\",\"type\":\"item\",\"items\":[{\"id\":\"a\",\"text\":\"A\"}]}", "z", NULL,
      "« Couverture » : choisissez l’une des réponses proposées." },
    { "{\"varname\":\"v\",\"label\":\"Besoins\",\"type\":\"multi\",\"min\":1,\"max\":2,\"items\":[{\"id\":\"a\",\"text\":\"A\"},{\"id\":\"b\",\"text\":\"B\"},{\"id\":\"c\",\"text\":\"C\"}]}",
      "c\na", "[\"a\",\"c\"]", NULL },
    { "{\"varname\":\"v\",\"label\":\"Besoins\",\"type\":\"multi\",\"min\":1,\"max\":2,\"items\":[{\"id\":\"a\",\"text\":\"A\"},{\"id\":\"b\",\"text\":\"B\"},{\"id\":\"c\",\"text\":\"C\"}]}",
      "a\nb\nc", NULL, "« Besoins » : cochez au plus 2 réponses." },
    { "{\"varname\":\"v\",\"label\":\"Besoins\",\"type\":\"multi\",\"min\":2,\"items\":[{\"id\":\"a\",\"text\":\"A\"},{\"id\":\"b\",\"text\":\"B\"}]}",
      "a", NULL, "« Besoins » : cochez au moins 2 réponses." },
    { "{\"varname\":\"v\",\"label\":\"Courriel\",\"type\":\"email\"}", "lea@example.nc", "\"lea@example.nc\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"Courriel\",\"type\":\"email\"}", "lea@", NULL,
      "« Courriel » : cette adresse e-mail semble incorrecte. Elle doit ressembler à nom@exemple.nc." },
    { "{\"varname\":\"v\",\"label\":\"Téléphone\",\"type\":\"phone\"}", "27 12 34", "\"271234\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"Téléphone\",\"type\":\"phone\"}", "+33 6 12 34 56 78", "\"+33612345678\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"Téléphone\",\"type\":\"phone\"}", "12 34", NULL,
      "« Téléphone » : saisissez un numéro à 6 chiffres, par exemple 27 12 34, ou un numéro international commençant par +." },
    { "{\"varname\":\"v\",\"label\":\"RIDET\",\"type\":\"ridet\"}", "1234567 001", "\"1234567.001\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"RIDET\",\"type\":\"ridet\"}", "123456.002", "\"0123456.002\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"RIDET\",\"type\":\"ridet\"}", "12345", NULL,
      "« RIDET » : saisissez les 7 chiffres du RID puis les 3 chiffres de l’établissement, par exemple 1234567.001." },
    { "{\"varname\":\"v\",\"label\":\"CAFAT\",\"type\":\"cafat\"}", "123 456", "\"123456\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"CAFAT\",\"type\":\"cafat\"}", "12AB", NULL,
      "« CAFAT » : saisissez votre numéro CAFAT, de 4 à 7 chiffres, comme sur votre carte CAFAT." },
    { "{\"varname\":\"v\",\"label\":\"IBAN\",\"type\":\"iban\"}", "fr76 3000 6000 0112 3456 7890 189", "\"FR7630006000011234567890189\"", NULL },
    /* The RIB of that account (bank, branch, account, key) gives the same IBAN. */
    { "{\"varname\":\"v\",\"label\":\"IBAN\",\"type\":\"iban\"}", "30006 00001 12345678901 89", "\"FR7630006000011234567890189\"", NULL },
    { "{\"varname\":\"v\",\"label\":\"IBAN\",\"type\":\"iban\"}", "FR76 3000 6000 0112 3456 7890 188", NULL,
      "« IBAN » : cet IBAN ou ce RIB semble incorrect. Recopiez-le depuis votre relevé d’identité bancaire (RIB), par exemple FR76 3000 6000 0112 3456 7890 189." },
    { "{\"varname\":\"v\",\"label\":\"IBAN\",\"type\":\"iban\"}", "30006 00001 12345678901 88", NULL,
      "« IBAN » : cet IBAN ou ce RIB semble incorrect. Recopiez-le depuis votre relevé d’identité bancaire (RIB), par exemple FR76 3000 6000 0112 3456 7890 189." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KioskProcedure) procedure = procedure_with_field (cases[i].json);

      check_answer (kiosk_procedure_get_page (procedure, 0)->fields->pdata[0], cases[i].text,
                    cases[i].expected, cases[i].message);
    }

  /* Addresses: street, postcode and commune, each with its own sentence. */
  {
    g_autoptr(KioskProcedure) procedure = procedure_with_field ("{\"varname\":\"home\",\"label\":\"Adresse\",\"type\":\"address\",\"required\":true}");
    const KioskField *field = kiosk_procedure_get_page (procedure, 0)->fields->pdata[0];
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) value = kiosk_address_validate (field, "12 rue de Sébastopol", "98 800", "Nouméa", &error);
    g_autofree char *json = kiosk_json_to_string (value);

    g_assert_no_error (error);
    g_assert_cmpstr (json, ==, "{\"line\":\"12 rue de Sébastopol\",\"postcode\":\"98800\",\"commune\":\"Nouméa\"}");
    g_assert_null (kiosk_address_validate (field, "12 rue de Sébastopol", "75001", "Nouméa", &error));
    g_assert_cmpstr (error->message, ==, "« Adresse » : saisissez le code postal à 5 chiffres, qui commence par 988 en Nouvelle-Calédonie.");
    g_clear_error (&error);
    g_assert_null (kiosk_address_validate (field, "12 rue de Sébastopol", "98800", "Paris", &error));
    g_assert_cmpstr (error->message, ==, "« Adresse » : choisissez la commune dans la liste.");
    g_clear_error (&error);
    g_assert_null (kiosk_address_validate (field, "", "98800", "Nouméa", &error));
    g_assert_cmpstr (error->message, ==, "« Adresse » : saisissez le numéro et la rue, ou le lot, la tribu ou la boîte postale.");
    g_clear_error (&error);
    g_assert_null (kiosk_address_validate (field, NULL, NULL, NULL, &error));
    g_assert_cmpstr (error->message, ==, "« Adresse » est obligatoire. Veuillez répondre à cette question.");
    g_assert_cmpuint (g_strv_length ((char **) kiosk_communes), ==, 33);
  }
}

typedef struct
{
  const char *json;
  gboolean    expected;
} ConditionCase;

static JsonNode *
sample_lookup_cb (const char *varname,
                  gpointer    user_data)
{
  JsonObject *answers = user_data;
  JsonNode *node = json_object_get_member (answers, varname);

  return node ? json_node_copy (node) : NULL;
}

static void
test_condition_operators (void)
{
  static const ConditionCase cases[] = {
    { "{\"field\":\"status\",\"op\":\"equals\",\"value\":\"salarie\"}", TRUE },
    { "{\"field\":\"status\",\"op\":\"equals\",\"value\":\"independant\"}", FALSE },
    { "{\"field\":\"status\",\"op\":\"not\",\"value\":\"independant\"}", TRUE },
    { "{\"field\":\"status\",\"op\":\"not\",\"value\":\"salarie\"}", FALSE },
    { "{\"field\":\"status\",\"op\":\"in\",\"value\":[\"a\",\"salarie\"]}", TRUE },
    { "{\"field\":\"status\",\"op\":\"in\",\"value\":[\"a\",\"b\"]}", FALSE },
    { "{\"field\":\"months\",\"op\":\"greater\",\"value\":6}", TRUE },
    { "{\"field\":\"months\",\"op\":\"greater\",\"value\":7}", FALSE },
    { "{\"field\":\"months\",\"op\":\"less\",\"value\":8}", TRUE },
    { "{\"field\":\"months\",\"op\":\"less\",\"value\":7}", FALSE },
    { "{\"field\":\"born\",\"op\":\"less\",\"value\":\"1970-01-01\"}", TRUE },
    { "{\"field\":\"born\",\"op\":\"greater\",\"value\":\"1970-01-01\"}", FALSE },
    { "{\"field\":\"works\",\"op\":\"equals\",\"value\":true}", TRUE },
    { "{\"field\":\"works\",\"op\":\"equals\",\"value\":false}", FALSE },
    /* A number is not a string: no silent conversion. */
    { "{\"field\":\"months\",\"op\":\"equals\",\"value\":\"7\"}", FALSE },
    /* A multiple choice "equals" a value when it holds it. */
    { "{\"field\":\"needs\",\"op\":\"equals\",\"value\":\"cantine\"}", TRUE },
    { "{\"field\":\"needs\",\"op\":\"in\",\"value\":[\"transport\",\"fournitures\"]}", TRUE },
    { "{\"field\":\"needs\",\"op\":\"equals\",\"value\":\"transport\"}", FALSE },
    /* Unanswered: every comparison is false, "not" included; {"not": …} turns it around. */
    { "{\"field\":\"missing\",\"op\":\"equals\",\"value\":\"x\"}", FALSE },
    { "{\"field\":\"missing\",\"op\":\"not\",\"value\":\"x\"}", FALSE },
    { "{\"not\":{\"field\":\"missing\",\"op\":\"equals\",\"value\":\"x\"}}", TRUE },
    { "{\"and\":[{\"field\":\"works\",\"op\":\"equals\",\"value\":true},{\"field\":\"months\",\"op\":\"greater\",\"value\":6}]}", TRUE },
    { "{\"and\":[{\"field\":\"works\",\"op\":\"equals\",\"value\":true},{\"field\":\"months\",\"op\":\"greater\",\"value\":60}]}", FALSE },
    { "{\"or\":[{\"field\":\"works\",\"op\":\"equals\",\"value\":false},{\"field\":\"months\",\"op\":\"greater\",\"value\":6}]}", TRUE },
    { "{\"or\":[{\"field\":\"works\",\"op\":\"equals\",\"value\":false},{\"field\":\"months\",\"op\":\"greater\",\"value\":60}]}", FALSE },
    { "{\"not\":{\"or\":[{\"field\":\"works\",\"op\":\"equals\",\"value\":false},{\"field\":\"months\",\"op\":\"less\",\"value\":6}]}}", TRUE },
  };
  g_autoptr(JsonObject) answers = kiosk_json_parse_object ("{\"status\":\"salarie\",\"months\":7,\"born\":\"1961-04-12\","
                                                           "\"works\":true,\"needs\":[\"fournitures\",\"cantine\"]}", -1, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = kiosk_json_parse (cases[i].json, -1, 4096, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(KioskCondition) condition = kiosk_condition_parse (node, &error);

      g_assert_no_error (error);
      if (kiosk_condition_eval (condition, sample_lookup_cb, answers) != cases[i].expected)
        g_error ("%s should be %s", cases[i].json, cases[i].expected ? "true" : "false");
    }
}

static void
test_visibility_and_documents (void)
{
  g_autoptr(KioskProcedure) procedure = engine_procedure ();
  g_autoptr(KioskDossier) dossier = kiosk_dossier_new (procedure);
  const KioskField *explanation = kiosk_procedure_find_field (procedure, "transport_note");
  const KioskDocumentSpec *cafat_card = NULL, *certificate = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = NULL;
  guint step = 0;

  for (guint i = 0; i < kiosk_procedure_get_n_documents (procedure); i++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, i);

      if (g_str_equal (spec->varname, "cafat_card"))
        cafat_card = spec;
      if (g_str_equal (spec->varname, "boarding_certificate"))
        certificate = spec;
    }
  g_assert_nonnull (cafat_card);
  g_assert_cmpstr (cafat_card->field, ==, "cafat");

  /* Page 3 (business) is hidden until the citizen says they are self-employed. */
  g_assert_false (kiosk_dossier_page_is_visible (dossier, 2));
  g_assert_cmpint (kiosk_dossier_next_page (dossier, 1), ==, 3);
  g_assert_cmpint (kiosk_dossier_previous_page (dossier, 3), ==, 1);
  g_assert_cmpuint (kiosk_dossier_count_steps (dossier, 3, &step), ==, 5);   /* 3 pages, documents, review */
  g_assert_cmpuint (step, ==, 3);
  kiosk_dossier_set_answer (dossier, "status", "independant");
  g_assert_true (kiosk_dossier_page_is_visible (dossier, 2));
  g_assert_cmpint (kiosk_dossier_next_page (dossier, 1), ==, 2);
  g_assert_cmpuint (kiosk_dossier_count_steps (dossier, 3, &step), ==, 6);
  g_assert_cmpuint (step, ==, 4);

  /* A field shown by a multiple choice; a document shown by {"not": {…"not"…}}. */
  g_assert_false (kiosk_dossier_field_is_visible (dossier, explanation));
  kiosk_dossier_set_answer (dossier, "needs", "fournitures\ntransport");
  g_assert_true (kiosk_dossier_field_is_visible (dossier, explanation));
  g_assert_true (kiosk_dossier_document_is_needed (dossier, certificate));
  kiosk_dossier_set_answer (dossier, "needs", "fournitures");
  g_assert_true (kiosk_dossier_document_is_needed (dossier, certificate));   /* independant */
  kiosk_dossier_set_answer (dossier, "status", "salarie");
  g_assert_false (kiosk_dossier_document_is_needed (dossier, certificate));

  /* A document asked because of a field: only once it is answered. */
  g_assert_false (kiosk_dossier_document_is_needed (dossier, cafat_card));
  kiosk_dossier_set_answer (dossier, "cafat", "123456");
  g_assert_true (kiosk_dossier_document_is_needed (dossier, cafat_card));

  /* What a hidden page holds is not sent, even if it was answered before. */
  kiosk_dossier_set_answer (dossier, "ridet", "1234567.001");
  kiosk_test_complete_dossier (dossier);
  json = kiosk_dossier_build_json (dossier, "epn-test-01", &error);
  g_assert_no_error (error);
  root = kiosk_json_parse_object (json, -1, NULL);
  g_assert_false (json_object_has_member (kiosk_json_get_object (root, "data"), "ridet"));
  g_assert_false (json_object_has_member (kiosk_json_get_object (root, "data"), "intro"));
  g_assert_false (json_object_has_member (kiosk_json_get_object (root, "files"), "boarding_certificate"));
  g_assert_true (json_object_has_member (kiosk_json_get_object (root, "files"), "cafat_card"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (kiosk_json_get_object (root, "data"), "home"), "commune"),
                   ==, "Nouméa");
}

static void
test_repeated_block (void)
{
  g_autoptr(KioskProcedure) procedure = engine_procedure ();
  g_autoptr(KioskDossier) dossier = kiosk_dossier_new (procedure);
  const KioskField *children = kiosk_procedure_find_field (procedure, "children");
  const KioskField *school = children->children->pdata[3];
  g_autoptr(GHashTable) errors = NULL;
  g_autoptr(JsonNode) value = NULL;
  g_autofree char *json = NULL;

  /* min 1: one entry to start with, and it must be filled. */
  g_assert_cmpuint (kiosk_dossier_get_block_count (dossier, children), ==, 1);
  errors = kiosk_dossier_validate_page (dossier, 1);
  g_assert_nonnull (errors);
  g_assert_cmpstr (g_hash_table_lookup (errors, "children/0/first_name"), ==,
                   "Enfant 1 : « Prénom » est obligatoire. Veuillez répondre à cette question.");
  g_clear_pointer (&errors, g_hash_table_unref);

  kiosk_dossier_set_block_count (dossier, children, 3);
  for (guint i = 0; i < 3; i++)
    {
      static const char *names[] = { "Léa", "Noé", "Inès" };
      g_autofree char *first = g_strdup_printf ("children/%u/first_name", i);
      g_autofree char *born = g_strdup_printf ("children/%u/birth_date", i);
      g_autofree char *boarder = g_strdup_printf ("children/%u/boarder", i);

      kiosk_dossier_set_answer (dossier, first, names[i]);
      kiosk_dossier_set_answer (dossier, born, "03/02/2015");
      kiosk_dossier_set_answer (dossier, boarder, i == 1 ? "true" : "false");
    }
  /* A condition inside a block names its sibling: only the boarder is asked for the school. */
  g_assert_false (kiosk_dossier_child_is_visible (dossier, children, 0, school));
  g_assert_true (kiosk_dossier_child_is_visible (dossier, children, 1, school));
  errors = kiosk_dossier_validate_page (dossier, 1);
  g_assert_nonnull (errors);
  g_assert_cmpuint (g_hash_table_size (errors), ==, 1);
  g_assert_true (g_hash_table_contains (errors, "children/1/school"));
  g_clear_pointer (&errors, g_hash_table_unref);
  kiosk_dossier_set_answer (dossier, "children/1/school", "Internat de Bourail");
  g_assert_null (kiosk_dossier_validate_page (dossier, 1));

  /* Removing the first entry moves the others up. */
  kiosk_dossier_remove_block_item (dossier, children, 0);
  g_assert_cmpuint (kiosk_dossier_get_block_count (dossier, children), ==, 2);
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "children/0/first_name"), ==, "Noé");
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "children/0/school"), ==, "Internat de Bourail");
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "children/1/first_name"), ==, "Inès");
  g_assert_null (kiosk_dossier_get_answer (dossier, "children/2/first_name"));

  value = kiosk_dossier_get_value (dossier, children);
  json = kiosk_json_to_string (value);
  g_assert_cmpstr (json, ==, "[{\"first_name\":\"Noé\",\"birth_date\":\"2015-02-03\",\"boarder\":true,"
                             "\"school\":\"Internat de Bourail\"},"
                             "{\"first_name\":\"Inès\",\"birth_date\":\"2015-02-03\",\"boarder\":false}]");

  /* max 6; a child over 20 is refused with the entry's number. */
  kiosk_dossier_set_answer (dossier, "children/1/birth_date", "01/01/1990");
  errors = kiosk_dossier_validate_page (dossier, 1);
  g_assert_cmpstr (g_hash_table_lookup (errors, "children/1/birth_date"), ==,
                   "Enfant 2 : « Date de naissance » : la personne doit avoir au plus 20 ans.");
  g_clear_pointer (&errors, g_hash_table_unref);
  kiosk_dossier_set_answer (dossier, "children", "9");
  g_assert_cmpuint (kiosk_dossier_get_block_count (dossier, children), ==, 1);   /* over max: not trusted */
}

static void
test_eligibility_stop (void)
{
  g_autoptr(KioskProcedure) procedure = engine_procedure ();
  g_autoptr(KioskDossier) dossier = kiosk_dossier_new (procedure);

  g_assert_cmpuint (kiosk_procedure_get_n_checks (procedure), ==, 1);
  g_assert_cmpuint (kiosk_procedure_get_check (procedure, 0)->page, ==, 0);
  /* Not answered yet: nothing stops the citizen. */
  g_assert_null (kiosk_dossier_check_eligibility (dossier, 0));
  kiosk_dossier_set_answer (dossier, "residence_months", "4");
  g_assert_cmpstr (kiosk_dossier_check_eligibility (dossier, 0), ==,
                   "Vous devez résider en province Sud depuis plus de 6 mois pour demander cette aide.");
  kiosk_test_fill_dossier (dossier);
  g_assert_false (kiosk_dossier_is_complete (dossier));
  kiosk_dossier_set_answer (dossier, "residence_months", "7");
  g_assert_null (kiosk_dossier_check_eligibility (dossier, G_MAXUINT));
}

static void
test_bad_definitions (void)
{
  g_autofree char *path = fixture_path ("bad-definitions.json");
  g_autoptr(KioskCatalogue) catalogue = load_catalogue (path);
  g_autofree char *contents = NULL;
  g_autoptr(JsonObject) root = NULL;
  JsonArray *procedures;
  GPtrArray *rejections = kiosk_catalogue_get_rejections (catalogue);
  guint n_bad = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  root = kiosk_json_parse_object (contents, -1, NULL);
  procedures = kiosk_json_get_array (root, "procedures");

  /* The good ones stay usable around the bad ones. */
  g_assert_cmpuint (kiosk_catalogue_get_n_procedures (catalogue), ==, 2);
  g_assert_nonnull (kiosk_catalogue_lookup (catalogue, "ok"));
  g_assert_nonnull (kiosk_catalogue_lookup (catalogue, "ok-2"));

  /* Each bad one is refused alone, for its own reason, in the order of the file. */
  for (guint i = 0; i < json_array_get_length (procedures); i++)
    {
      JsonObject *procedure = json_array_get_object_element (procedures, i);
      const char *expect = kiosk_json_get_string (procedure, "_expect");

      if (expect == NULL)
        continue;
      g_assert_cmpuint (n_bad, <, rejections->len);
      if (strstr (rejections->pdata[n_bad], expect) == NULL)
        g_error ("%s refused as “%s”, expected “%s”", kiosk_json_get_string (procedure, "slug"),
                 (char *) rejections->pdata[n_bad], expect);
      n_bad++;
    }
  g_assert_cmpuint (n_bad, ==, rejections->len);
  g_assert_cmpuint (n_bad, >=, 30);
}

/* The bundled catalogue: at least 20 procedures, none left out, and together they use every field
 * type, every condition operator and every document rule. */
static void
collect_operators (const KioskCondition *condition,
                   GHashTable           *seen)
{
  static const char *names[] = { "equals", "not", "in", "greater", "less", "and", "or", "not-combinator" };

  if (condition == NULL)
    return;
  g_hash_table_add (seen, (gpointer) names[condition->op]);
  for (guint i = 0; condition->operands != NULL && i < condition->operands->len; i++)
    collect_operators (condition->operands->pdata[i], seen);
}

static void
collect_fields (const KioskField *field,
                gboolean          in_block,
                GHashTable       *seen)
{
  static const char *types[] = { "string", "text", "int", "amount", "date", "bool", "item", "email",
                                 "phone", "multi", "ridet", "cafat", "address", "iban", "repeat",
                                 "section", "explanation" };

  g_hash_table_add (seen, (gpointer) types[field->type]);
  if (field->visible_if != NULL)
    g_hash_table_add (seen, in_block ? "condition on a field in a block" : "condition on a field");
  if (field->has_min_age || field->has_max_age)
    g_hash_table_add (seen, "age rule");
  if (field->not_after != NULL || field->not_before != NULL)
    g_hash_table_add (seen, "date bound");
  collect_operators (field->visible_if, seen);
  for (guint i = 0; field->children != NULL && i < field->children->len; i++)
    collect_fields (field->children->pdata[i], TRUE, seen);
}

static void
test_bundled_catalogue (void)
{
  static const char *expected[] = {
    "string", "text", "int", "amount", "date", "bool", "item", "email", "phone", "multi", "ridet",
    "cafat", "address", "iban", "repeat", "section", "explanation",
    "equals", "not", "in", "greater", "less", "and", "or", "not-combinator",
    "condition on a page", "condition on a field", "condition on a field in a block",
    "condition on a document", "eligibility check", "document of a field", "optional document",
    "required document", "document formats", "document size", "identity document", "paper document",
    "age rule", "date bound",
  };
  g_autofree char *path = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "resources", "catalogue.json", NULL);
  g_autoptr(KioskCatalogue) catalogue = load_catalogue (path);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *procedures = kiosk_catalogue_get_procedures (catalogue);

  g_assert_cmpuint (kiosk_catalogue_get_rejections (catalogue)->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (procedures), >=, 20);
  for (guint p = 0; p < g_list_model_get_n_items (procedures); p++)
    {
      g_autoptr(KioskProcedure) procedure = g_list_model_get_item (procedures, p);

      for (guint i = 0; i < kiosk_procedure_get_n_pages (procedure); i++)
        {
          const KioskFieldGroup *page = kiosk_procedure_get_page (procedure, i);

          if (page->visible_if != NULL)
            g_hash_table_add (seen, "condition on a page");
          collect_operators (page->visible_if, seen);
          for (guint f = 0; f < page->fields->len; f++)
            collect_fields (page->fields->pdata[f], FALSE, seen);
        }
      for (guint i = 0; i < kiosk_procedure_get_n_documents (procedure); i++)
        {
          const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, i);

          if (spec->visible_if != NULL)
            g_hash_table_add (seen, "condition on a document");
          collect_operators (spec->visible_if, seen);
          if (spec->field != NULL)
            g_hash_table_add (seen, "document of a field");
          g_hash_table_add (seen, spec->required ? "required document" : "optional document");
          if (spec->formats[0] != NULL)
            g_hash_table_add (seen, "document formats");
          if (spec->max_size != 10000000)
            g_hash_table_add (seen, "document size");
          g_hash_table_add (seen, spec->kind == KIOSK_DOCUMENT_IDENTITY ? "identity document"
                                  : spec->kind == KIOSK_DOCUMENT_PAPER ? "paper document" : "photo document");
        }
      for (guint i = 0; i < kiosk_procedure_get_n_checks (procedure); i++)
        {
          g_hash_table_add (seen, "eligibility check");
          collect_operators (kiosk_procedure_get_check (procedure, i)->require, seen);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (!g_hash_table_contains (seen, expected[i]))
      g_error ("No bundled procedure uses: %s", expected[i]);
}



static GPtrArray *
found_slugs (KioskCatalogueIndex *index,
             GArray              *positions)
{
  GPtrArray *slugs = g_ptr_array_new ();

  g_assert_nonnull (positions);
  for (guint i = 0; i < positions->len; i++)
    g_ptr_array_add (slugs, kiosk_catalogue_index_get (index, g_array_index (positions, guint, i))->slug);
  return slugs;
}

static const char *
first_slug (KioskCatalogueIndex *index,
            const char          *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) positions = kiosk_catalogue_index_search (index, query, NULL, NULL, 50, &error);

  g_assert_no_error (error);
  if (positions->len == 0)
    return NULL;
  return kiosk_catalogue_index_get (index, g_array_index (positions, guint, 0))->slug;
}

/* The catalogue's index (SQLite FTS5 and the in-memory word index) over the bundled catalogue
 * plus one broken procedure: accents, case, prefixes from the first letter, ranking title >
 * keywords > description, filters, and schemas read back. */
static void
test_search_index (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-index-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "catalogue-index.db", NULL);
  g_autofree char *bundled = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "resources", "catalogue.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskCatalogueIndex) index = NULL;
  guint n = 0;
  guint n_bundled;
  char *data;
  gsize length;

  /* The bundled catalogue, and a procedure with an unknown field type: left out of the index. */
  g_assert_true (g_file_get_contents (bundled, &contents, NULL, NULL));
  root = kiosk_json_parse (contents, -1, 16 << 20, &error);
  g_assert_no_error (error);
  n_bundled = json_array_get_length (kiosk_json_get_array (json_node_get_object (root), "procedures"));
  g_assert_cmpuint (n_bundled, >=, 150);
  {
    g_autoptr(JsonObject) bad = kiosk_json_parse_object ("{\"slug\":\"cassee\",\"title\":\"Aide médicale cassée\","
                                                         "\"pages\":[{\"fields\":[{\"varname\":\"a\",\"label\":\"A\",\"type\":\"colour\"}]}]}",
                                                         -1, NULL);

    json_array_add_object_element (kiosk_json_get_array (json_node_get_object (root), "procedures"),
                                   g_steal_pointer (&bad));
  }
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  bytes = g_bytes_new_take (data, length);
  g_assert_true (kiosk_catalogue_index_import (path, bytes, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, n_bundled);
  index = kiosk_catalogue_index_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kiosk_catalogue_index_get_n (index), ==, n_bundled);

  /* Accents and case do not matter; prefixes count from the first letter. */
  {
    const char *queries[] = { "aide medicale", "AIDE MÉDICALE", "Aide Médicale", "aide méd", "medic", "médic", "aide m" };

    for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
      g_assert_cmpstr (first_slug (index, queries[i]), ==, "aide-medicale");
  }
  g_assert_cmpstr (first_slug (index, "v"), ==, "minimum-vieillesse");   /* "vieillesse" in a title, first in order */
  g_assert_cmpstr (first_slug (index, "ch"), ==, "permis-chasse");
  g_assert_cmpstr (first_slug (index, "PERMIS CH"), ==, "permis-chasse");
  g_assert_cmpstr (first_slug (index, "ecole"), ==, "inscription-scolaire");   /* a title word: "école" */
  g_assert_null (first_slug (index, "xyzzy"));
  g_assert_null (first_slug (index, "cassee"));
  /* A word only a keyword holds ("cerf") finds its procedure; one only in a description too. */
  g_assert_cmpstr (first_slug (index, "cerf"), ==, "permis-chasse");
  {
    g_autoptr(GArray) positions = kiosk_catalogue_index_search (index, "mutuel", NULL, NULL, 50, &error);
    g_autoptr(GPtrArray) slugs = found_slugs (index, positions);

    g_assert_true (g_ptr_array_find_with_equal_func (slugs, "aide-medicale", g_str_equal, NULL));
  }

  /* Title before keywords before description: "entreprise" is in two titles, then keywords. */
  {
    g_autoptr(GArray) positions = kiosk_catalogue_index_search (index, "entreprise", NULL, NULL, 50, &error);
    g_autoptr(GPtrArray) slugs = found_slugs (index, positions);

    guint urgence;

    g_assert_cmpuint (slugs->len, >=, 3);
    /* The exact word first ("entreprise"), then the longer one ("entreprises"). */
    g_assert_cmpstr (slugs->pdata[0], ==, "aide-creation-entreprise");
    g_assert_true (g_ptr_array_find_with_equal_func (slugs, "aide-entreprises-urgence", g_str_equal, &urgence));
    for (guint i = 0; i < urgence; i++)
      {
        g_autofree char *title = kiosk_fold_text (kiosk_catalogue_index_get (index, g_array_index (positions, guint, i))->title);

        g_assert_true (g_regex_match_simple ("\\bentreprise\\b", title, 0, 0));
      }
  }

  /* Filters, with and without a query; an empty query lists the catalogue in order. */
  {
    g_autoptr(GArray) all = kiosk_catalogue_index_search (index, "", NULL, NULL, n_bundled, &error);
    g_autoptr(GArray) education = kiosk_catalogue_index_search (index, "", "education", NULL, 50, &error);
    g_autoptr(GArray) companies = kiosk_catalogue_index_search (index, "aide", NULL, "entreprises", 50, &error);
    g_autoptr(GArray) limited = kiosk_catalogue_index_search (index, "", NULL, NULL, 5, &error);

    g_assert_cmpuint (all->len, ==, n_bundled);
    g_assert_cmpstr (kiosk_catalogue_index_get (index, g_array_index (all, guint, 0))->slug, ==, "aide-medicale");
    g_assert_cmpuint (limited->len, ==, 5);
    g_assert_cmpuint (education->len, >, 3);
    for (guint i = 0; i < education->len; i++)
      g_assert_cmpstr (kiosk_catalogue_index_get (index, g_array_index (education, guint, i))->theme, ==, "education");
    g_assert_cmpuint (companies->len, >, 1);
    for (guint i = 0; i < companies->len; i++)
      g_assert_nonnull (strstr (kiosk_catalogue_index_get (index, g_array_index (companies, guint, i))->profiles, ",entreprises,"));
  }

  /* FTS5 alone finds the same procedures for a full word (ranked by bm25). */
  {
    g_autoptr(GArray) fts = kiosk_catalogue_index_search_fts (index, "medicale", NULL, NULL, 50, &error);
    g_autoptr(GPtrArray) slugs = found_slugs (index, fts);

    guint at;

    g_assert_no_error (error);
    /* bm25 prefers short texts: among the several "aide médicale" démarches it is near the top. */
    g_assert_true (g_ptr_array_find_with_equal_func (slugs, "aide-medicale", g_str_equal, &at));
    g_assert_cmpuint (at, <, 5);
    /* Quotes and FTS5 syntax typed by a citizen are just text. */
    g_assert_nonnull (kiosk_catalogue_index_search_fts (index, "\"aide\" OR NEAR(", NULL, NULL, 50, &error));
    g_assert_no_error (error);
  }

  /* The schema comes back whole, and parses. */
  {
    g_autofree char *schema = kiosk_catalogue_index_get_schema (index, "aide-medicale", &error);
    g_autoptr(JsonObject) object = kiosk_json_parse_object (schema, -1, &error);
    g_autoptr(KioskProcedure) procedure = kiosk_procedure_new_from_json (object, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (kiosk_procedure_get_title (procedure), ==, "Aide médicale Sud");
  }
  g_clear_object (&index);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *file = g_strconcat (path, (const char *[]) { "", "-wal", "-shm", "-image" }[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

typedef struct
{
  gboolean    done;
  char       *code;
  guint       number;
  KioskDraft *draft;
  guint       tries_left;
  GError     *error;
} DraftWait;

/* The tries left that the last resume() was told, with KIOSK_DRAFT_ERROR_WRONG_CODE. */
static guint resume_tries_left;

static void
park_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  DraftWait *wait = data;

  wait->code = kiosk_drafts_park_finish (KIOSK_DRAFTS (object), result, &wait->number, &wait->error);
  wait->done = TRUE;
}

static void
resume_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  DraftWait *wait = data;

  wait->draft = kiosk_drafts_resume_finish (KIOSK_DRAFTS (object), result, &wait->tries_left, &wait->error);
  wait->done = TRUE;
}

static gboolean
draft_done_cb (gpointer data)
{
  return ((DraftWait *) data)->done;
}

static char *
park (KioskDrafts  *drafts,
      KioskDossier *dossier,
      guint        *number)
{
  DraftWait wait = { 0 };

  kiosk_drafts_park_async (drafts, dossier, NULL, park_cb, &wait);
  g_assert_true (kiosk_test_wait (draft_done_cb, &wait, 20000));
  g_assert_no_error (wait.error);
  *number = wait.number;
  return wait.code;
}

/* Returns the draft, or NULL with *error set. */
static KioskDraft *
resume (KioskDrafts  *drafts,
        guint         number,
        const char   *code,
        GError      **error)
{
  DraftWait wait = { 0 };

  kiosk_drafts_resume_async (drafts, number, code, NULL, resume_cb, &wait);
  g_assert_true (kiosk_test_wait (draft_done_cb, &wait, 20000));
  resume_tries_left = wait.tries_left;
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.draft;
}

static char *
only_draft_file (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, ".draft"))
      {
        g_assert_null (found);
        found = g_build_filename (dir, name, NULL);
      }
  return found;
}

/* Moves the date in a draft's header by @days (it is authenticated: only "back" is tested
 * for expiry, "forward" must make the draft unreadable). */
static void
shift_parked_date (const char *path,
                   int         days)
{
  g_autofree char *contents = NULL;
  gsize length;
  gint64 parked_at = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  for (int i = 0; i < 8; i++)
    parked_at = (parked_at << 8) | (guint8) contents[8 + i];
  parked_at += (gint64) days * G_TIME_SPAN_DAY;
  for (int i = 0; i < 8; i++)
    contents[8 + i] = (char) ((guint64) parked_at >> (56 - 8 * i));
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
}

/* Park, resume (the code typed loosely), wrong codes (the fifth removes the draft), a tampered
 * file, expiry, the sweep: and nothing of the citizen readable in the file. */
static void
test_drafts (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-drafts-XXXXXX", NULL);
  g_autofree char *drafts_dir = g_build_filename (dir, "drafts", NULL);
  g_autoptr(KioskProcedure) procedure = engine_procedure ();
  g_autoptr(KioskDossier) dossier = kiosk_dossier_new (procedure);
  g_autoptr(KioskDrafts) drafts = kiosk_drafts_new (drafts_dir);
  g_autoptr(GBytes) scan = g_bytes_new_static ("\xff\xd8\xff\xe0 scanned identity card of Wamytan", 38);
  g_autoptr(KioskDocument) document = kiosk_document_new ("identity", "image/jpeg", scan, NULL);
  g_autofree char *code = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDraft) draft = NULL;
  guint number = 0, second = 0;
  gsize length;
  GStatBuf st;

  kiosk_dossier_set_answer (dossier, "last_name", "Wamytan");
  kiosk_dossier_set_answer (dossier, "children/1/first_name", "Noé");
  kiosk_dossier_set_answer (dossier, "children", "2");
  kiosk_dossier_set_document (dossier, "identity", document);
  code = park (drafts, dossier, &number);

  /* Number 1, 8 Crockford characters; a 0700 folder, a 0600 file with nothing readable in it. */
  g_assert_cmpuint (number, ==, 1);
  g_assert_cmpuint (strlen (code), ==, 8);
  for (const char *p = code; *p; p++)
    g_assert_nonnull (strchr ("0123456789ABCDEFGHJKMNPQRSTVWXYZ", *p));
  g_assert_cmpint (g_stat (drafts_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  path = only_draft_file (drafts_dir);
  g_assert_nonnull (path);
  g_assert_true (g_str_has_suffix (path, "/1.draft"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_null (memmem (contents, length, "Wamytan", 7));
  g_assert_null (memmem (contents, length, "identity card", 13));
  g_assert_null (memmem (contents, length, "aide-rentree", 12));
  g_assert_null (memmem (contents, length, code, 8));
  g_assert_cmpuint (kiosk_drafts_count (drafts), ==, 1);

  /* Typed loosely: lower case, a dash, O for 0 and l for 1. */
  {
    g_autofree char *typed = g_ascii_strdown (code, -1);
    g_autofree char *loose = NULL;

    for (char *p = typed; *p; p++)
      *p = *p == '0' ? 'o' : *p == '1' ? 'l' : *p;
    loose = g_strdup_printf ("%.4s-%s", typed, typed + 4);
    draft = resume (drafts, number, loose, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (draft->slug, ==, "aide-rentree");
  g_assert_cmpstr (g_hash_table_lookup (draft->answers, "last_name"), ==, "Wamytan");
  g_assert_cmpstr (g_hash_table_lookup (draft->answers, "children/1/first_name"), ==, "Noé");
  g_assert_cmpuint (draft->documents->len, ==, 1);
  g_assert_cmpstr (kiosk_document_get_sha256 (draft->documents->pdata[0]), ==, kiosk_document_get_sha256 (document));
  g_assert_cmpuint (kiosk_drafts_count (drafts), ==, 1);   /* kept until its dossier is queued */
  g_clear_pointer (&draft, kiosk_draft_free);

  /* The QR code's ticket gives both. */
  {
    guint from_ticket = 0;
    g_autofree char *ticket = g_strdup_printf ("KIOSK-DRAFT:%u:%s", number, code);
    g_autofree char *parsed = kiosk_drafts_parse_ticket (ticket, &from_ticket);

    g_assert_cmpstr (parsed, ==, code);
    g_assert_cmpuint (from_ticket, ==, number);
    g_assert_null (kiosk_drafts_parse_ticket ("KIOSK-DRAFT:0:7K4M9QXD", &from_ticket));
    g_assert_null (kiosk_drafts_parse_ticket ("7K4M9QXD", &from_ticket));
  }

  /* What cannot be a number and a code; a number no draft has. */
  g_assert_null (resume (drafts, number, "7K4M", &error));
  g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_BAD_CODE);
  g_clear_error (&error);
  g_assert_null (resume (drafts, number, "UUUUUUUU", &error));
  g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_BAD_CODE);
  g_clear_error (&error);
  g_assert_null (resume (drafts, 0, code, &error));
  g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_BAD_CODE);
  g_clear_error (&error);
  g_assert_null (resume (drafts, 42, code, &error));
  g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A second draft takes number 2. Wrong codes for it: four are told with the tries left, the
   * fifth removes it; the first draft is untouched. */
  {
    g_autofree char *other = park (drafts, dossier, &second);

    g_assert_cmpuint (second, ==, 2);
    for (guint i = 0; i < KIOSK_DRAFT_MAX_WRONG_CODES; i++)
      {
        g_autofree char *wrong = g_strdup (other);

        wrong[7] = wrong[7] == 'A' ? 'B' : 'A';
        wrong[6] = "0123456789"[i];
        g_assert_null (resume (drafts, second, wrong, &error));
        if (i + 1 < KIOSK_DRAFT_MAX_WRONG_CODES)
          {
            g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_WRONG_CODE);
            g_assert_cmpuint (resume_tries_left, ==, KIOSK_DRAFT_MAX_WRONG_CODES - 1 - i);
          }
        else
          g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_DELETED);
        g_clear_error (&error);
      }
    g_assert_null (resume (drafts, second, other, &error));
    g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_cmpuint (kiosk_drafts_count (drafts), ==, 1);
  }

  /* A later date (to keep it longer) is authenticated: the draft no longer opens, and goes. */
  shift_parked_date (path, 30);
  g_assert_null (resume (drafts, number, code, &error));
  g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_TAMPERED);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A byte changed in the ciphertext: refused and removed. */
  g_free (code);
  code = park (drafts, dossier, &number);
  g_free (path);
  path = only_draft_file (drafts_dir);
  g_free (contents);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  contents[length - 20] ^= 0x01;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  g_assert_null (resume (drafts, number, code, &error));
  g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_TAMPERED);
  g_clear_error (&error);
  g_assert_cmpuint (kiosk_drafts_count (drafts), ==, 0);

  /* Older than 7 days: refused as expired and removed; the sweep removes others. */
  g_free (code);
  code = park (drafts, dossier, &number);
  g_free (path);
  path = only_draft_file (drafts_dir);
  shift_parked_date (path, -8);
  g_assert_null (resume (drafts, number, code, &error));
  g_assert_true (g_error_matches (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_EXPIRED)
                 || g_error_matches (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_NOT_FOUND));
  g_clear_error (&error);
  g_assert_cmpuint (kiosk_drafts_count (drafts), ==, 0);
  g_free (code);
  code = park (drafts, dossier, &number);
  g_free (path);
  path = only_draft_file (drafts_dir);
  g_assert_cmpuint (kiosk_drafts_sweep (drafts), ==, 0);
  shift_parked_date (path, -7);
  shift_parked_date (path, -1);
  g_assert_cmpuint (kiosk_drafts_sweep (drafts), ==, 1);
  g_assert_cmpuint (kiosk_drafts_count (drafts), ==, 0);
}

/* Restarts the reference portal serving @catalogue (a path). */
static void
restart_portal (const char *catalogue)
{
  const char *extra[] = { "--catalogue", catalogue, NULL };

  if (portal != NULL)
    kiosk_test_portal_stop (portal);
  portal = kiosk_test_portal_start_with (extra);
}

/* A window over @catalogue (the portal serves @portal_catalogue), the procedure aide-rentree
 * opened and started: its first form page shown. */
static KioskWindow *
start_aide_rentree (const char    *catalogue,
                    const char    *portal_catalogue,
                    const char    *data_dir,
                    KioskContext **context)
{
  KioskWindow *window;

  restart_portal (portal_catalogue);
  *context = kiosk_test_context_new_with_catalogue (portal->url, data_dir, catalogue);
  window = kiosk_window_new (NULL, *context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-rentree");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  return window;
}

static gboolean
documents_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static gboolean
widget_exists_cb (gpointer data)
{
  gpointer *args = data;

  return kiosk_window_find_widget (args[0], args[1]) != NULL;
}

static gboolean
widget_visible_cb (gpointer data)
{
  gpointer *args = data;
  GtkWidget *widget = kiosk_window_find_widget (args[0], args[1]);

  return widget != NULL && gtk_widget_get_visible (widget);
}

static void
wait_for_widget (KioskWindow *window,
                 const char  *name)
{
  gpointer args[] = { window, (gpointer) name };

  g_assert_true (kiosk_test_wait (widget_exists_cb, args, 5000));
}

static gboolean
visible (KioskWindow *window,
         const char  *name)
{
  GtkWidget *widget = kiosk_window_find_widget (window, name);

  return widget != NULL && gtk_widget_get_visible (widget);
}

static char *
sha256_of_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
scan (KioskWindow *window,
      const char  *varname)
{
  g_autofree char *button = g_strdup_printf ("scan-%s", varname);

  kiosk_test_click (window, button);
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 20000));
}

/* A citizen fills the test procedure in French: an eligibility stop on a mistyped answer, a
 * multiple choice that shows an explanation, a repeated block (add, a question shown inside one
 * entry, an error there), a page hidden by their situation, an address, a RIB, documents asked
 * by their answers; the portal receives exactly the answers shown and the bytes scanned. */
static void
test_ui_fill_and_submit (void)
{
  g_autofree char *catalogue = fixture_path ("engine.json");
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-procedures-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(JsonObject) stored_root = NULL;
  g_autoptr(GHashTable) sent_sha = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  KioskWindow *window;
  KioskDossier *dossier;
  KioskFormPage *form;
  JsonObject *stored, *data;
  JsonArray *files, *children;

  window = start_aide_rentree (catalogue, catalogue, data_dir, &context);
  form = KIOSK_FORM_PAGE (kiosk_window_get_page (window, "form"));
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  g_assert_cmpstr (kiosk_test_label (window, "step-label"), ==, "Étape 1 sur 5");

  /* Page 1: a multiple choice shows an explanation; 4 months of residence stop the citizen. */
  kiosk_test_type (window, "field-last_name", "Wamytan");
  kiosk_test_type (window, "field-birth_date", "12/04/1981");
  kiosk_test_type (window, "field-residence_months", "4");
  kiosk_test_click (window, "field-status-salarie");
  g_assert_false (visible (window, "box-transport_note"));
  kiosk_test_click (window, "field-needs-transport");
  g_assert_true (visible (window, "box-transport_note"));
  kiosk_test_click (window, "field-needs-fournitures");
  kiosk_test_click (window, "field-needs-cantine");
  kiosk_test_click (window, "form-next");
  g_assert_true (visible (window, "error-needs"));   /* three ticked, two at most */
  g_assert_cmpstr (kiosk_test_label (window, "error-needs"), ==, "«\u00a0Pour quoi demandez-vous l'aide ?\u00a0»\u00a0: cochez au plus 2 réponses.");
  kiosk_test_click (window, "field-needs-cantine");
  kiosk_test_click (window, "form-next");
  g_assert_true (kiosk_form_page_get_stopped (form));
  g_assert_cmpstr (kiosk_test_label (window, "form-stop-reason"), ==,
                   "Vous devez résider en province Sud depuis plus de 6 mois pour demander cette aide.");
  g_assert_true (visible (window, "form-stop-appointment") || kiosk_window_find_widget (window, "form-change-answers") != NULL);
  kiosk_test_click (window, "form-change-answers");
  g_assert_false (kiosk_form_page_get_stopped (form));
  kiosk_test_type (window, "field-residence_months", "18");
  kiosk_test_click (window, "form-next");
  g_assert_false (kiosk_form_page_get_stopped (form));

  /* Page 2: the block starts with one child; add a second, who is a boarder. */
  g_assert_cmpstr (kiosk_test_label (window, "step-label"), ==, "Étape 2 sur 5");
  kiosk_test_type (window, "field-children/0/first_name", "Léa");
  kiosk_test_type (window, "field-children/0/birth_date", "03/02/2015");
  kiosk_test_click (window, "field-children/0/boarder-false");
  g_assert_false (visible (window, "box-children/0/school"));
  kiosk_test_click (window, "add-children");
  wait_for_widget (window, "field-children/1/first_name");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-children/0/first_name"))), ==, "Léa");
  kiosk_test_type (window, "field-children/1/first_name", "Noé");
  kiosk_test_type (window, "field-children/1/birth_date", "20/08/2011");
  kiosk_test_click (window, "field-children/1/boarder-true");
  g_assert_true (visible (window, "box-children/1/school"));
  kiosk_test_click (window, "form-next");
  g_assert_true (visible (window, "error-children/1/school"));
  g_assert_cmpstr (kiosk_test_label (window, "error-children/1/school"), ==,
                   "Enfant 2\u00a0: «\u00a0Nom de l'internat\u00a0» est obligatoire. Veuillez répondre à cette question.");
  kiosk_test_type (window, "field-children/1/school", "Internat de Bourail");
  /* A third child added by mistake, then removed. */
  kiosk_test_click (window, "add-children");
  wait_for_widget (window, "remove-children-2");
  kiosk_test_click (window, "remove-children-2");
  g_assert_cmpuint (kiosk_dossier_get_block_count (dossier, kiosk_procedure_find_field (kiosk_dossier_get_procedure (dossier), "children")), ==, 2);
  kiosk_test_spin (50);
  kiosk_test_click (window, "form-next");

  /* The business page is skipped for an employee: straight to the contact details. */
  g_assert_cmpuint (kiosk_form_page_get_step (form), ==, 3);
  g_assert_cmpstr (kiosk_test_label (window, "step-label"), ==, "Étape 3 sur 5");
  kiosk_test_type (window, "field-home/line", "12 rue de Sébastopol");
  kiosk_test_type (window, "field-home/postcode", "98800");
  {
    guint noumea = 0;

    while (!g_str_equal (kiosk_communes[noumea], "Nouméa"))
      noumea++;
    gtk_drop_down_set_selected (GTK_DROP_DOWN (kiosk_test_find (window, "field-home/commune")), noumea + 1);
  }
  kiosk_test_type (window, "field-phone", "27 12 34");
  kiosk_test_type (window, "field-iban", "30006 00001 12345678901 88");
  kiosk_test_click (window, "form-next");
  g_assert_true (visible (window, "error-iban"));
  kiosk_test_type (window, "field-iban", "30006 00001 12345678901 89");
  kiosk_test_click (window, "form-next");

  /* Documents: the certificate is asked because of "transport"; the CAFAT card is not. */
  kiosk_test_wait_for_page (window, "documents");
  g_assert_cmpstr (kiosk_test_label (window, "documents-step-label"), ==, "Étape 4 sur 5");
  g_assert_null (kiosk_window_find_widget (window, "scan-cafat_card"));
  scan (window, "identity");
  /* A passport: no back to scan, the citizen says so. */
  g_assert_false (gtk_widget_get_sensitive (kiosk_test_find (window, "documents-next")));
  kiosk_test_click (window, "no-back-identity");
  g_assert_null (kiosk_window_find_widget (window, "turn-over-hint"));
  scan (window, "boarding_certificate");
  for (guint i = 0; i < 2; i++)
    {
      const char *varname = i == 0 ? "identity" : "boarding_certificate";
      KioskDocument *document = kiosk_dossier_get_document (dossier, varname);

      g_assert_nonnull (document);
      g_hash_table_insert (sent_sha, g_strdup (varname), g_strdup (kiosk_document_get_sha256 (document)));
    }
  kiosk_test_click (window, "documents-next");

  /* Review: each child's answers, under the entry's name; no row for the hidden page. */
  kiosk_test_wait_for_page (window, "review");
  g_assert_cmpstr (kiosk_test_label (window, "review-children/1/school"), ==, "Internat de Bourail");
  g_assert_cmpstr (kiosk_test_label (window, "review-needs"), ==, "Fournitures, Transport");
  g_assert_cmpstr (kiosk_test_label (window, "review-home"), ==, "12 rue de Sébastopol, 98800 Nouméa");
  g_assert_cmpstr (kiosk_test_label (window, "review-iban"), ==, "FR7630006000011234567890189");
  g_assert_null (kiosk_window_find_widget (window, "review-ridet"));
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");

  /* What arrived: the answers as typed, normalised, and nothing of the hidden page. */
  stored_root = kiosk_test_portal_get (portal, "_control/submissions");
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (stored_root, "data")), ==, 1);
  stored = json_array_get_object_element (kiosk_json_get_array (stored_root, "data"), 0);
  data = kiosk_json_get_object (stored, "data");
  g_assert_cmpstr (kiosk_json_get_string (data, "last_name"), ==, "Wamytan");
  g_assert_cmpstr (kiosk_json_get_string (data, "birth_date"), ==, "1981-04-12");
  g_assert_cmpint (kiosk_json_get_int (data, "residence_months", 0), ==, 18);
  g_assert_cmpstr (kiosk_json_get_string (data, "status"), ==, "salarie");
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (data, "needs")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (kiosk_json_get_array (data, "needs"), 0), ==, "fournitures");
  g_assert_cmpstr (json_array_get_string_element (kiosk_json_get_array (data, "needs"), 1), ==, "transport");
  children = kiosk_json_get_array (data, "children");
  g_assert_cmpuint (json_array_get_length (children), ==, 2);
  g_assert_cmpstr (kiosk_json_get_string (json_array_get_object_element (children, 0), "first_name"), ==, "Léa");
  g_assert_false (json_object_has_member (json_array_get_object_element (children, 0), "school"));
  g_assert_cmpstr (kiosk_json_get_string (json_array_get_object_element (children, 1), "school"), ==, "Internat de Bourail");
  g_assert_cmpstr (kiosk_json_get_string (json_array_get_object_element (children, 1), "birth_date"), ==, "2011-08-20");
  g_assert_true (kiosk_json_get_bool (json_array_get_object_element (children, 1), "boarder", FALSE));
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (data, "home"), "commune"), ==, "Nouméa");
  g_assert_cmpstr (kiosk_json_get_string (data, "iban"), ==, "FR7630006000011234567890189");
  g_assert_cmpstr (kiosk_json_get_string (data, "phone"), ==, "271234");
  g_assert_false (json_object_has_member (data, "ridet"));
  g_assert_false (json_object_has_member (data, "transport_note"));
  g_assert_false (json_object_has_member (data, "cafat"));
  g_assert_cmpuint (json_object_get_size (data), ==, 9);
  files = kiosk_json_get_array (stored, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 2);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autofree char *on_disk = sha256_of_file (kiosk_json_get_string (file, "path"));

      g_assert_cmpstr (on_disk, ==, g_hash_table_lookup (sent_sha, kiosk_json_get_string (file, "varname")));
    }

  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
draft_page_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

/* A citizen parks their draft half-way, leaves, comes back, types the code, finds every answer
 * and scanned document again, and submits: the draft is then removed from the terminal. */
static void
test_ui_draft (void)
{
  g_autofree char *catalogue = fixture_path ("engine.json");
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-procedures-XXXXXX", NULL);
  g_autofree char *drafts_dir = g_build_filename (data_dir, "drafts", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autofree char *code = NULL;
  g_autofree char *identity_sha = NULL;
  KioskWindow *window;
  KioskDossier *dossier;
  GtkWidget *draft_page;
  guint number;

  window = start_aide_rentree (catalogue, catalogue, data_dir, &context);
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  kiosk_test_fill_dossier (dossier);
  kiosk_dossier_set_answer (dossier, "last_name", "Wamytan");
  kiosk_dossier_set_answer (dossier, "children/0/first_name", "Léa");
  kiosk_dossier_set_answer (dossier, "needs", "fournitures\ntransport");

  /* The identity card is scanned, then the citizen must leave: "Continue later". */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "documents");
  kiosk_test_wait_for_page (window, "documents");
  scan (window, "identity");
  identity_sha = g_strdup (kiosk_document_get_sha256 (kiosk_dossier_get_document (dossier, "identity")));
  kiosk_test_click (window, "documents-park");
  kiosk_test_wait_for_page (window, "draft");
  draft_page = kiosk_window_get_page (window, "draft");
  g_assert_true (kiosk_test_wait (draft_page_idle_cb, draft_page, 20000));
  g_assert_false (visible (window, "draft-park-error"));
  code = g_strdup (kiosk_draft_page_get_code (KIOSK_DRAFT_PAGE (draft_page)));
  number = kiosk_draft_page_get_number (KIOSK_DRAFT_PAGE (draft_page));
  g_assert_nonnull (code);
  g_assert_cmpuint (number, ==, 1);
  {
    g_autofree char *shown = g_strdup_printf ("Brouillon numéro %u", number);

    g_assert_cmpstr (kiosk_test_label (window, "draft-number"), ==, shown);
  }
  {
    g_autofree char *shown = kiosk_drafts_format_code (code);

    g_assert_cmpstr (kiosk_test_label (window, "draft-code"), ==, shown);
  }
  g_assert_nonnull (gtk_picture_get_paintable (GTK_PICTURE (kiosk_test_find (window, "draft-qr"))));

  /* Or at home: the answers become a pre-filled draft on the portal, opened by a QR code. */
  kiosk_test_click (window, "draft-phone");
  g_assert_true (kiosk_test_wait (draft_page_idle_cb, draft_page, 20000));
  g_assert_false (visible (window, "draft-phone-error"));
  g_assert_true (visible (window, "draft-phone-qr"));
  g_assert_nonnull (gtk_picture_get_paintable (GTK_PICTURE (kiosk_test_find (window, "draft-phone-qr"))));
  {
    const char *url = kiosk_draft_page_get_phone_url (KIOSK_DRAFT_PAGE (draft_page));
    g_autoptr(JsonObject) root = kiosk_test_portal_get (portal, "_control/prefills");
    JsonArray *prefills = kiosk_json_get_array (kiosk_json_get_object (root, "data"), "prefills");
    JsonObject *prefill;
    JsonObject *data;
    g_autofree char *page = NULL;
    long status = 0;

    g_assert_true (g_str_has_prefix (url, portal->url));
    g_assert_cmpuint (json_array_get_length (prefills), ==, 1);
    prefill = json_array_get_object_element (prefills, 0);
    data = kiosk_json_get_object (prefill, "data");
    g_assert_cmpstr (kiosk_json_get_string (prefill, "slug"), ==, "aide-rentree");
    g_assert_cmpstr (kiosk_json_get_string (data, "last_name"), ==, "Wamytan");
    g_assert_cmpstr (kiosk_json_get_string (json_array_get_object_element (kiosk_json_get_array (data, "children"), 0), "first_name"),
                     ==, "Léa");
    g_assert_false (json_object_has_member (data, "identity"));   /* no documents */
    page = kiosk_test_http ("GET", url, NULL, &status);
    g_assert_cmpint (status, ==, 200);
    g_assert_nonnull (strstr (page, "Wamytan"));
    g_assert_nonnull (strstr (page, "Aide à la rentrée des familles"));
  }
  kiosk_test_click (window, "draft-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_null (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  g_assert_cmpstr (kiosk_test_label (window, "draft-code"), ==, "");
  g_assert_cmpuint (kiosk_drafts_count (kiosk_context_get_drafts (context)), ==, 1);

  /* Back later: a wrong code first, then the right one, typed in lower case with a space. */
  kiosk_test_click (window, "welcome-resume-draft");
  kiosk_test_wait_for_page (window, "draft");
  {
    g_autofree char *typed_number = g_strdup_printf ("%u", number);

    kiosk_test_type (window, "draft-number-entry", typed_number);
  }
  kiosk_test_type (window, "draft-code-entry", g_str_equal (code, "ABCDEFGH") ? "ABCDEFGJ" : "ABCD EFGH");
  kiosk_test_click (window, "draft-resume");
  g_assert_true (kiosk_test_wait (draft_page_idle_cb, draft_page, 20000));
  g_assert_true (visible (window, "draft-resume-error"));
  {
    g_autofree char *expected = g_strdup_printf ("Ce code n’ouvre pas le brouillon numéro %u. Vérifiez-le sur votre ticket\u00a0: encore 4 essais, puis le brouillon est supprimé.", number);

    g_assert_cmpstr (kiosk_test_label (window, "draft-resume-error"), ==, expected);
  }
  {
    g_autofree char *lower = g_ascii_strdown (code, -1);
    g_autofree char *typed = g_strdup_printf ("%.4s %s", lower, lower + 4);

    kiosk_test_type (window, "draft-code-entry", typed);
  }
  kiosk_test_click (window, "draft-resume");
  kiosk_test_wait_for_page (window, "form");
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  g_assert_nonnull (dossier);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-last_name"))), ==, "Wamytan");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (kiosk_test_find (window, "field-needs-transport"))));
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "children/0/first_name"), ==, "Léa");
  g_assert_cmpstr (kiosk_document_get_sha256 (kiosk_dossier_get_document (dossier, "identity")), ==, identity_sha);

  /* Finish and submit: the draft has no more use and is removed. */
  kiosk_test_complete_dossier (dossier);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "review");
  kiosk_test_wait_for_page (window, "review");
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");
  g_assert_cmpuint (kiosk_drafts_count (kiosk_context_get_drafts (context)), ==, 0);
  {
    g_autoptr(JsonObject) stored_root = kiosk_test_portal_get (portal, "_control/submissions");
    JsonObject *stored = json_array_get_object_element (kiosk_json_get_array (stored_root, "data"), 0);

    g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (stored, "data"), "last_name"), ==, "Wamytan");
  }
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The portal refuses an answer inside a repeated block (its definition is stricter than the
 * kiosk's here): the message comes back keyed "children/0/first_name", and "Back to my answers"
 * opens the children's page with that message beside that child's first name. */
static void
test_ui_portal_rejection (void)
{
  g_autofree char *catalogue = fixture_path ("engine.json");
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-procedures-XXXXXX", NULL);
  g_autofree char *stricter = g_build_filename (data_dir, "portal-catalogue.json", NULL);
  g_autoptr(KioskContext) context = NULL;
  KioskWindow *window;
  KioskDossier *dossier;

  /* The portal's copy: a child's first name must be a number (no one would; the kiosk accepts
   * text, so the portal is the one to refuse). */
  {
    g_autofree char *contents = NULL;
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(JsonGenerator) generator = json_generator_new ();
    JsonObject *procedure;
    JsonObject *children;

    g_assert_true (g_file_get_contents (catalogue, &contents, NULL, NULL));
    root = kiosk_json_parse (contents, -1, 1 << 20, NULL);
    procedure = json_array_get_object_element (kiosk_json_get_array (json_node_get_object (root), "procedures"), 0);
    children = json_array_get_object_element (kiosk_json_get_array (json_array_get_object_element (kiosk_json_get_array (procedure, "pages"), 1), "fields"), 0);
    json_object_set_string_member (json_array_get_object_element (kiosk_json_get_array (children, "fields"), 0), "type", "int");
    json_generator_set_root (generator, root);
    g_assert_true (json_generator_to_file (generator, stricter, NULL));
  }
  window = start_aide_rentree (catalogue, stricter, data_dir, &context);
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  kiosk_dossier_set_answer (dossier, "children/0/first_name", "Léa");
  kiosk_test_complete_dossier (dossier);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "review");
  kiosk_test_wait_for_page (window, "review");
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "submit");
  {
    gpointer args[] = { window, (gpointer) "submit-back" };

    g_assert_true (kiosk_test_wait (widget_visible_cb, args, 20000));
  }
  kiosk_test_click (window, "submit-back");
  kiosk_test_wait_for_page (window, "form");
  g_assert_cmpuint (kiosk_form_page_get_step (KIOSK_FORM_PAGE (kiosk_window_get_page (window, "form"))), ==, 1);
  g_assert_true (visible (window, "error-children/0/first_name"));
  g_assert_cmpstr (kiosk_test_label (window, "error-children/0/first_name"), ==,
                   "Le champ « Prénom » doit être un nombre entier.");
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The reference portal applies the same rules on its side: an answer to a hidden question, a
 * block entry out of shape or an eligibility check that fails is refused with a message keyed by
 * the answer's path, which the kiosk shows beside the field. */
static void
test_portal_rules (void)
{
  g_autofree char *catalogue = fixture_path ("engine.json");
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *fields;
  long status = 0;

  restart_portal (catalogue);
  url = g_strconcat (portal->url, "api/formdefs/aide-rentree/submit", NULL);
  body = g_strdup ("{\"data\":{\"last_name\":\"W\",\"birth_date\":\"1981-04-12\",\"residence_months\":3,"
                   "\"status\":\"salarie\",\"needs\":[\"fournitures\"],\"ridet\":\"1234567.001\","
                   "\"children\":[{\"first_name\":\"L\",\"birth_date\":\"2015-02-03\",\"boarder\":false,\"school\":\"X\"},"
                   "{\"birth_date\":\"2015-02-03\",\"boarder\":true}],"
                   "\"home\":{\"line\":\"1 rue\",\"postcode\":\"98800\",\"commune\":\"Nouméa\"},"
                   "\"phone\":\"271234\",\"iban\":\"FR7630006000011234567890188\"}}");
  /* A multipart submission as the API documents it, sent by curl(1) rather than by the kiosk,
   * which never sends such answers. */
  {
    g_autofree char *dir = g_dir_make_tmp ("kiosk-rules-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "dossier.json", NULL);
    g_autofree char *part = NULL;
    g_autofree char *output = NULL;
    const char *argv[] = { "curl", "-s", "-H", "Idempotency-Key: 6b0e1f0e-1111-4222-8333-944455556666",
                           "-F", NULL, "-w", "\n%{http_code}", NULL, NULL };
    char *last_line;

    g_assert_true (g_file_set_contents (path, body, -1, NULL));
    part = g_strdup_printf ("dossier=@%s;type=application/json", path);
    argv[5] = part;
    argv[8] = url;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &output, NULL, NULL, NULL));
    last_line = strrchr (output, '\n');
    g_assert_nonnull (last_line);
    status = strtol (last_line + 1, NULL, 10);
    *last_line = '\0';
    answer = g_steal_pointer (&output);
    g_unlink (path);
    g_rmdir (dir);
  }
  g_assert_cmpint (status, ==, 422);
  reply = kiosk_json_parse_object (answer, -1, NULL);
  g_assert_nonnull (reply);
  fields = kiosk_json_get_object (reply, "fields");
  g_assert_nonnull (fields);
  g_assert_nonnull (kiosk_json_get_string (fields, "ridet"));                 /* hidden page */
  g_assert_nonnull (kiosk_json_get_string (fields, "children/0/school"));     /* hidden in the entry */
  g_assert_nonnull (kiosk_json_get_string (fields, "children/1/first_name")); /* required in the entry */
  g_assert_nonnull (kiosk_json_get_string (fields, "children/1/school"));     /* shown, required */
  g_assert_nonnull (kiosk_json_get_string (fields, "iban"));                  /* checksum */
  g_assert_cmpstr (kiosk_json_get_string (fields, "residence_months"), ==,
                   "Vous devez résider en province Sud depuis plus de 6 mois pour demander cette aide.");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("fr");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/procedures/field-types", test_field_types);
  g_test_add_func ("/procedures/condition-operators", test_condition_operators);
  g_test_add_func ("/procedures/visibility-and-documents", test_visibility_and_documents);
  g_test_add_func ("/procedures/repeated-block", test_repeated_block);
  g_test_add_func ("/procedures/eligibility-stop", test_eligibility_stop);
  g_test_add_func ("/procedures/bad-definitions", test_bad_definitions);
  g_test_add_func ("/procedures/bundled-catalogue", test_bundled_catalogue);
  g_test_add_func ("/procedures/search-index", test_search_index);
  g_test_add_func ("/procedures/drafts", test_drafts);
  g_test_add_func ("/procedures/portal-rules", test_portal_rules);
  g_test_add_func ("/procedures/ui-fill-and-submit", test_ui_fill_and_submit);
  g_test_add_func ("/procedures/ui-draft", test_ui_draft);
  g_test_add_func ("/procedures/ui-portal-rejection", test_ui_portal_rejection);

  status = g_test_run ();
  if (portal != NULL)
    kiosk_test_portal_stop (portal);
  return status;
}
