/* outbox-worker.c: the outbox and its sender as the kiosk runs them, in a process the
 * reliability test kills with SIGKILL at random moments.
 *
 * Usage: outbox-worker DATA_DIR PORTAL_URL N_TO_QUEUE [--size-kb=K] [--no-drain] [--report]
 *                                                     [--fsize-limit-kb=L]
 * (--fsize-limit-kb caps the size of any file it writes: a disk that fills up.)
 * Queues N dossiers (printing "queued <key> <sha256>" once each is committed), then drains the
 * outbox until it is empty; --report prints the peak resident memory at the end. */
#include "kiosk-outbox.h"

#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

static gboolean done;

static void
drained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  kiosk_outbox_drain_finish (KIOSK_OUTBOX (object), result, &error);
  if (error != NULL)
    g_printerr ("drain: %s\n", error->message);
  done = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *key = NULL;
  g_autoptr(KioskOutbox) outbox = NULL;
  g_autoptr(KioskPortal) portal = NULL;
  int n;
  gsize size_kb = 0;
  gboolean drain = TRUE;
  gboolean report = FALSE;

  if (argc < 4)
    return 2;
  for (int i = 4; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--size-kb="))
        size_kb = g_ascii_strtoull (argv[i] + 10, NULL, 10);
      else if (g_str_equal (argv[i], "--no-drain"))
        drain = FALSE;
      else if (g_str_equal (argv[i], "--report"))
        report = TRUE;
      else if (g_str_has_prefix (argv[i], "--fsize-limit-kb="))
        {
          struct rlimit limit;

          limit.rlim_cur = limit.rlim_max = g_ascii_strtoull (argv[i] + 17, NULL, 10) * 1024;
          signal (SIGXFSZ, SIG_IGN);   /* writes fail with EFBIG instead of killing us */
          setrlimit (RLIMIT_FSIZE, &limit);
        }
      else
        return 2;
    }
  db = g_build_filename (argv[1], "outbox.db", NULL);
  key = g_build_filename (argv[1], "device.key", NULL);
  n = atoi (argv[3]);
  outbox = kiosk_outbox_open (db, key, &error);
  portal = kiosk_portal_new (argv[2], "epn-reliability", &error);
  if (outbox == NULL || portal == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  kiosk_outbox_set_backoff (outbox, 1, 20);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *json = NULL;
      g_autofree char *content = g_strdup_printf ("\xff\xd8\xff\xe0 fake JPEG %s %d", uuid, i);
      g_autoptr(GBytes) bytes = NULL;

      if (size_kb > 0)
        {
          gsize length = size_kb * 1024;
          guint8 *big = g_malloc (length);

          for (gsize j = 0; j < length; j++)
            big[j] = g_random_int ();
          memcpy (big, content, strlen (content));
          bytes = g_bytes_new_take (big, length);
        }
      else
        bytes = g_bytes_new (content, strlen (content));
      g_autoptr(KioskDocument) document = kiosk_document_new ("id_card", "image/jpeg", bytes, NULL);
      g_autoptr(GPtrArray) documents = g_ptr_array_new ();

      json = g_strdup_printf ("{\"data\":{\"last_name\":\"N%d\",\"first_name\":\"Léa\","
                              "\"birth_date\":\"1961-04-12\",\"household_size\":2,"
                              "\"monthly_income\":1000,\"cover\":\"cafat\",\"phone\":\"271234\"},"
                              "\"files\":{\"id_card\":{\"filename\":\"id_card.jpg\","
                              "\"content_type\":\"image/jpeg\",\"size\":%zu,\"sha256\":\"%s\"}},"
                              "\"meta\":{\"kiosk_id\":\"epn-reliability\",\"draft\":false},"
                              "\"context\":{\"channel\":\"kiosk\"}}",
                              i, g_bytes_get_size (bytes), kiosk_document_get_sha256 (document));
      g_ptr_array_add (documents, document);
      if (kiosk_outbox_add (outbox, "aide-medicale", uuid, json, documents, &error) == 0)
        {
          printf ("error %s\n", error->message);
          return 3;
        }
      printf ("queued %s %s\n", uuid, kiosk_document_get_sha256 (document));
      fflush (stdout);
    }

  for (gint64 give_up = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; drain;)
    {
      g_autoptr(GPtrArray) entries = kiosk_outbox_list (outbox, &error);
      gboolean pending = FALSE;

      if (entries == NULL)
        return 1;
      for (guint i = 0; i < entries->len; i++)
        pending |= !((KioskOutboxEntry *) g_ptr_array_index (entries, i))->failed;
      if (!pending)
        break;
      if (g_get_monotonic_time () > give_up)
        {
          g_printerr ("outbox-worker: the portal did not take the dossiers within 60 s\n");
          return 4;
        }
      done = FALSE;
      kiosk_outbox_drain_async (outbox, portal, NULL, drained_cb, NULL);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      g_usleep (5000);
    }
  if (report)
    {
      g_autofree char *status = NULL;

      if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
        {
          const char *hwm = strstr (status, "VmHWM:");

          if (hwm != NULL)
            printf ("vmhwm_kb=%" G_GINT64_FORMAT "\n", g_ascii_strtoll (hwm + 6, NULL, 10));
        }
    }
  return 0;
}
