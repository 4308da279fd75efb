/* kiosk-print.c: the page is drawn by GTK into a PDF in the user's runtime directory (memory,
 * not disk), read back and removed at once, then handed to the core printer's worker. */
#include "kiosk-print.h"

#include "kiosk-printer.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

/* Long enough for a slow printer to warm up; a stopped printer is told at once. */
#define PRINT_TIMEOUT_SECONDS 90

static GBytes *
draw_pdf (const char  *job_name,
          GCallback    draw_page,
          gpointer     data,
          GError     **error)
{
  g_autofree char *template = g_build_filename (g_get_user_runtime_dir (), "kiosk-print-XXXXXX", NULL);
  g_autofree char *dir = g_mkdtemp_full (template, 0700) ? g_strdup (template) : NULL;
  g_autofree char *path = NULL;
  char *contents = NULL;
  gsize length = 0;
  gboolean drawn;

  if (dir == NULL)
    {
      g_set_error (error, KIOSK_PRINTER_ERROR, KIOSK_PRINTER_ERROR_FAILED,
                   "No place to lay out the page: %s", g_strerror (errno));
      return NULL;
    }
  path = g_build_filename (dir, "page.pdf", NULL);
  drawn = kiosk_print_one_page (job_name, draw_page, data, path)
          && g_file_get_contents (path, &contents, &length, error);
  g_unlink (path);
  g_rmdir (dir);
  if (!drawn)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, KIOSK_PRINTER_ERROR, KIOSK_PRINTER_ERROR_FAILED, "The page could not be laid out");
      return NULL;
    }
  return g_bytes_new_take (contents, length);
}

static void
printed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (kiosk_printer_print_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * kiosk_print_page_async:
 * @job_name: the job's name, translated (no personal data: CUPS logs it)
 * @draw_page: draws the page (a GtkPrintOperation::draw-page handler)
 * @data: for @draw_page, used before this returns
 *
 * Prints one page on the default printer and finishes once it has printed, or failed
 * (%KIOSK_PRINTER_ERROR).
 */
void
kiosk_print_page_async (const char          *job_name,
                        GCallback            draw_page,
                        gpointer             data,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;

  g_task_set_source_tag (task, kiosk_print_page_async);
  pdf = draw_pdf (job_name, draw_page, data, &error);
  if (pdf == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  kiosk_printer_print_async (pdf, job_name, PRINT_TIMEOUT_SECONDS, cancellable, printed_cb,
                             g_steal_pointer (&task));
}

gboolean
kiosk_print_page_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* What the citizen reads when printing failed, whatever the reason: they keep their number. */
char *
kiosk_print_failure_sentence (const char *number)
{
  /* TRANSLATORS: %s is a dossier or appointment number, e.g. "DS-2026-000123" */
  return g_strdup_printf (_("Printing did not work: write down or take a photo of your number %s."),
                          number ? number : "");
}

/* The printer's line on the agents' dashboard. */
char *
kiosk_print_describe_status (const KioskPrinterStatus *status)
{
  const char *state;

  if (status == NULL || status->state == KIOSK_PRINTER_STATE_NONE)
    return g_strdup (_("Printer: none set up; receipts cannot be printed (see the deployment guide)."));
  switch (status->state)
    {
    case KIOSK_PRINTER_STATE_STOPPED:
      state = _("stopped: receipts cannot be printed");
      break;
    case KIOSK_PRINTER_STATE_PRINTING:
      state = _("printing");
      break;
    default:
      state = _("ready");
      break;
    }
  if (status->message != NULL)
    /* TRANSLATORS: the printer's name, its state, and CUPS's message about it */
    return g_strdup_printf (_("Printer %s: %s (%s)"), status->name, state, status->message);
  /* TRANSLATORS: the printer's name and its state */
  return g_strdup_printf (_("Printer %s: %s"), status->name, state);
}
