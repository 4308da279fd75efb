/* fuzz-parsers.c: a libFuzzer target for everything the kiosk parses from the network — the
 * guarded JSON parser (size and depth checked before json-glib), the catalogue and procedure
 * schemas, and the portal's answers about appointments and followed dossiers, tracking codes and
 * their URLs — and for catalogue search.
 *
 * Built only in a clang build configured with -Dfuzz=true; tests/fuzz/run-fuzz.sh does it all:
 *   tests/fuzz/run-fuzz.sh . 60      # from the repository root: build, then fuzz for 60 s
 * The seed corpus is tests/fuzz/corpus/ (the runner works on a copy). */
#include "kiosk-appointments.h"
#include "kiosk-catalogue.h"
#include "kiosk-dossier.h"
#include "kiosk-followup-dossier.h"
#include "kiosk-json.h"

#include <stdint.h>
#include <string.h>

static void
log_nothing (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        data)
{
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(KioskCatalogue) catalogue = NULL;

  if (!initialised)
    {
      /* Rejected input is expected; its warnings are noise here. */
      g_log_set_default_handler (log_nothing, NULL);
      initialised = TRUE;
    }

  object = kiosk_json_parse_object ((const char *) data, size, &error);
  g_clear_error (&error);
  if (object != NULL)
    {
      g_autoptr(KioskMotifList) motifs = kiosk_motif_list_from_json (object, NULL);
      g_autoptr(GPtrArray) slots = kiosk_slots_from_json (object, NULL);
      g_autoptr(KioskAppointment) appointment = kiosk_appointment_from_json (object, NULL);
      JsonObject *inner = kiosk_json_get_object (object, "data");

      if (inner != NULL)
        {
          g_autoptr(KioskAppointment) nested = kiosk_appointment_from_json (inner, NULL);
          g_autoptr(GPtrArray) nested_slots = kiosk_slots_from_json (inner, NULL);
          g_autoptr(KioskFollowupDossier) followed = kiosk_followup_dossier_new_from_json (inner, NULL);
          g_autoptr(KioskComplementReceipt) complement = kiosk_complement_receipt_new_from_json (inner, FALSE, NULL);

          if (followed != NULL)
            {
              g_autoptr(KioskFollowupDossier) copy = kiosk_followup_dossier_copy (followed);

              for (guint i = 0; i < followed->requests->len; i++)
                g_assert_nonnull (kiosk_followup_dossier_find_request (
                  copy, ((KioskFollowupRequest *) g_ptr_array_index (followed->requests, i))->id));
            }
        }
    }

  /* A tracking code typed, or a URL read from a QR code. */
  {
    g_autofree char *text = g_strndup ((const char *) data, size);
    g_autofree char *plain = kiosk_tracking_code_normalize (text);
    g_autofree char *number = NULL;
    g_autofree char *code = NULL;

    if (plain != NULL)
      g_assert_cmpuint (strlen (plain), ==, KIOSK_TRACKING_CODE_LENGTH);
    if (g_utf8_validate (text, -1, NULL) && kiosk_tracking_url_parse (text, &number, &code))
      g_assert_nonnull (number);
  }

  catalogue = kiosk_catalogue_new_from_bytes (bytes, &error);
  if (catalogue != NULL)
    {
      char query[17] = "";
      g_autoptr(GListStore) results = NULL;

      memcpy (query, data, MIN (size, sizeof query - 1));
      if (g_utf8_validate (query, -1, NULL))
        results = kiosk_catalogue_search (catalogue, query, NULL, NULL);
      for (guint i = 0; i < kiosk_catalogue_get_n_procedures (catalogue); i++)
        {
          g_autoptr(KioskProcedure) procedure = g_list_model_get_item (kiosk_catalogue_get_procedures (catalogue), i);
          g_autoptr(KioskDossier) dossier = kiosk_dossier_new (procedure);
          g_autofree char *json = NULL;

          /* Conditions and blocks of an accepted schema are evaluated without a crash, over
           * answers taken from the input itself. */
          for (guint p = 0; p < kiosk_procedure_get_n_pages (procedure); p++)
            {
              const KioskFieldGroup *page = kiosk_procedure_get_page (procedure, p);

              for (guint f = 0; f < page->fields->len; f++)
                {
                  char answer[9] = "";

                  gsize offset = size > 8 ? (f * 3) % (size - 8) : 0;

                  memcpy (answer, data + offset, MIN (size, 8));
                  if (g_utf8_validate (answer, -1, NULL))
                    kiosk_dossier_set_answer (dossier, ((KioskField *) page->fields->pdata[f])->varname, answer);
                }
              {
                g_autoptr(GHashTable) errors = kiosk_dossier_validate_page (dossier, p);
              }
            }
          (void) kiosk_dossier_check_eligibility (dossier, G_MAXUINT);
          (void) kiosk_dossier_count_steps (dossier, 0, NULL);
          json = kiosk_dossier_build_json (dossier, "fuzz", NULL);
        }
    }

  {
    char *typed = g_strndup ((const char *) data, MIN (size, 64));
    char *reference = kiosk_appointment_normalize_reference (typed);

    g_free (reference);
    g_free (typed);
  }
  return 0;
}
