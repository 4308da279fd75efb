/* kiosk-printer.c: a receipt or a slip, already laid out as PDF, sent to the default CUPS
 * printer and followed until it is printed; everything in a worker, since CUPS may be slow or
 * away. A job that cannot print now is cancelled rather than left to come out later, for the
 * next person to take away with someone else's dossier number. */
#include "kiosk-printer.h"
#include "kiosk-task.h"

#include <cups/cups.h>
#include <string.h>

G_DEFINE_QUARK (kiosk-printer-error-quark, kiosk_printer_error)

/* How often a job's and its printer's states are asked while waiting for the job to end. */
#define POLL_INTERVAL_US (150 * 1000)

typedef struct
{
  GBytes *pdf;
  char   *job_name;
  guint   timeout_seconds;
} PrintData;

static void
print_data_free (PrintData *data)
{
  g_bytes_unref (data->pdf);
  g_free (data->job_name);
  g_free (data);
}

void
kiosk_printer_status_free (KioskPrinterStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->name);
  g_free (status->message);
  g_free (status);
}

/* The default destination, or NULL with KIOSK_PRINTER_ERROR_NO_PRINTER. */
static cups_dest_t *
get_destination (const char  *name,
                 GError     **error)
{
  cups_dest_t *dest = cupsGetNamedDest (CUPS_HTTP_DEFAULT, name, NULL);

  if (dest == NULL)
    g_set_error (error, KIOSK_PRINTER_ERROR, KIOSK_PRINTER_ERROR_NO_PRINTER,
                 "No %s printer: %s", name ? name : "default", cupsLastErrorString ());
  return dest;
}

static KioskPrinterState
get_state (cups_dest_t *dest)
{
  const char *state = cupsGetOption ("printer-state", dest->num_options, dest->options);
  const char *accepting = cupsGetOption ("printer-is-accepting-jobs", dest->num_options, dest->options);

  if (g_strcmp0 (state, "5") == 0 || g_strcmp0 (accepting, "false") == 0)
    return KIOSK_PRINTER_STATE_STOPPED;
  if (g_strcmp0 (state, "4") == 0)
    return KIOSK_PRINTER_STATE_PRINTING;
  return KIOSK_PRINTER_STATE_IDLE;
}

/* The job's state; IPP_JSTATE_COMPLETED once CUPS no longer knows it (no job history kept). */
static ipp_jstate_t
get_job_state (int job_id)
{
  ipp_t *request = ippNewRequest (IPP_OP_GET_JOB_ATTRIBUTES);
  ipp_t *response;
  ipp_attribute_t *attribute;
  ipp_jstate_t state = IPP_JSTATE_PENDING;
  char uri[256];

  g_snprintf (uri, sizeof uri, "ipp://localhost/jobs/%d", job_id);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", NULL, "job-state");
  response = cupsDoRequest (CUPS_HTTP_DEFAULT, request, "/");
  if (cupsLastError () == IPP_STATUS_ERROR_NOT_FOUND)
    state = IPP_JSTATE_COMPLETED;
  else if (response != NULL && (attribute = ippFindAttribute (response, "job-state", IPP_TAG_ENUM)) != NULL)
    state = (ipp_jstate_t) ippGetInteger (attribute, 0);
  ippDelete (response);
  return state;
}

static gboolean
send_document (const char  *printer,
               int          job_id,
               GBytes      *pdf,
               GError     **error)
{
  gsize size;
  const char *data = g_bytes_get_data (pdf, &size);

  if (cupsStartDocument (CUPS_HTTP_DEFAULT, printer, job_id, "receipt", CUPS_FORMAT_PDF, 1) != HTTP_STATUS_CONTINUE
      || cupsWriteRequestData (CUPS_HTTP_DEFAULT, data, size) != HTTP_STATUS_CONTINUE
      || cupsFinishDocument (CUPS_HTTP_DEFAULT, printer) > IPP_STATUS_OK_EVENTS_COMPLETE)
    {
      g_set_error (error, KIOSK_PRINTER_ERROR, KIOSK_PRINTER_ERROR_FAILED,
                   "Printer %s refused the document: %s", printer, cupsLastErrorString ());
      return FALSE;
    }
  return TRUE;
}

/* Waits until the job has ended; cancels it when its printer stops or time runs out. */
static gboolean
wait_for_job (const char    *printer,
              int            job_id,
              guint          timeout_seconds,
              GCancellable  *cancellable,
              GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;

  for (;;)
    {
      ipp_jstate_t state = get_job_state (job_id);
      cups_dest_t *dest;
      KioskPrinterState printer_state;

      if (state == IPP_JSTATE_COMPLETED)
        return TRUE;
      if (state == IPP_JSTATE_CANCELED || state == IPP_JSTATE_ABORTED)
        {
          g_set_error (error, KIOSK_PRINTER_ERROR, KIOSK_PRINTER_ERROR_FAILED,
                       "Job %d on %s was %s", job_id, printer,
                       state == IPP_JSTATE_CANCELED ? "cancelled" : "aborted");
          return FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      dest = get_destination (printer, NULL);
      printer_state = dest ? get_state (dest) : KIOSK_PRINTER_STATE_STOPPED;
      cupsFreeDests (dest ? 1 : 0, dest);
      if (printer_state == KIOSK_PRINTER_STATE_STOPPED || state == IPP_JSTATE_STOPPED
          || g_get_monotonic_time () > deadline)
        {
          gboolean stopped = g_get_monotonic_time () <= deadline;

          cupsCancelJob2 (CUPS_HTTP_DEFAULT, printer, job_id, 0);
          g_set_error (error, KIOSK_PRINTER_ERROR,
                       stopped ? KIOSK_PRINTER_ERROR_STOPPED : KIOSK_PRINTER_ERROR_TIMED_OUT,
                       "Job %d on %s cancelled: %s", job_id, printer,
                       stopped ? "the printer stopped" : "not printed in time");
          return FALSE;
        }
      g_usleep (POLL_INTERVAL_US);
    }
}

/* Runs in a worker thread: reads task_data only. */
static void
print_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  PrintData *data = task_data;
  g_autoptr(GError) error = NULL;
  cups_dest_t *dest = get_destination (NULL, &error);
  g_autofree char *printer = NULL;
  int job_id;

  if (dest == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  printer = g_strdup (dest->name);
  if (get_state (dest) == KIOSK_PRINTER_STATE_STOPPED)
    {
      cupsFreeDests (1, dest);
      g_task_return_new_error (task, KIOSK_PRINTER_ERROR, KIOSK_PRINTER_ERROR_STOPPED,
                               "Printer %s is stopped or refuses jobs", printer);
      return;
    }
  cupsFreeDests (1, dest);
  job_id = cupsCreateJob (CUPS_HTTP_DEFAULT, printer, data->job_name, 0, NULL);
  if (job_id == 0)
    {
      g_task_return_new_error (task, KIOSK_PRINTER_ERROR, KIOSK_PRINTER_ERROR_FAILED,
                               "Printer %s refused a job: %s", printer, cupsLastErrorString ());
      return;
    }
  if (!send_document (printer, job_id, data->pdf, &error))
    {
      cupsCancelJob2 (CUPS_HTTP_DEFAULT, printer, job_id, 0);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!wait_for_job (printer, job_id, data->timeout_seconds, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * kiosk_printer_print_async:
 * @pdf: the document, a PDF
 * @job_name: the job's name in CUPS (no personal data: CUPS logs it)
 * @timeout_seconds: how long the job may take before it is cancelled
 *
 * Prints @pdf on the default printer and waits until it has printed. Fails at once when there
 * is no default printer or it is stopped, and cancels the job when the printer stops meanwhile
 * or @timeout_seconds pass.
 */
void
kiosk_printer_print_async (GBytes              *pdf,
                           const char          *job_name,
                           guint                timeout_seconds,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  PrintData *data = g_new0 (PrintData, 1);

  data->pdf = g_bytes_ref (pdf);
  data->job_name = g_strdup (job_name);
  data->timeout_seconds = timeout_seconds;
  kiosk_task_run_in_thread (NULL, cancellable, callback, user_data, kiosk_printer_print_async, data,
                            (GDestroyNotify) print_data_free, print_in_thread);
}

gboolean
kiosk_printer_print_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_printer_print_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* What the printer says about its state ("Out of paper"), which destinations leave out. */
static char *
get_state_message (const char *printer)
{
  ipp_t *request = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
  ipp_t *response;
  ipp_attribute_t *attribute;
  char *message = NULL;
  char uri[HTTP_MAX_URI];

  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0, "/printers/%s", printer);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", NULL, "printer-state-message");
  response = cupsDoRequest (CUPS_HTTP_DEFAULT, request, "/");
  if (response != NULL && (attribute = ippFindAttribute (response, "printer-state-message", IPP_TAG_TEXT)) != NULL)
    {
      const char *text = ippGetString (attribute, 0, NULL);

      message = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
    }
  ippDelete (response);
  return message;
}

/* Runs in a worker thread. */
static void
get_status_in_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  KioskPrinterStatus *status = g_new0 (KioskPrinterStatus, 1);
  cups_dest_t *dest = get_destination (NULL, NULL);

  if (dest != NULL)
    {
      status->name = g_strdup (dest->name);
      status->state = get_state (dest);
      status->message = get_state_message (dest->name);
      cupsFreeDests (1, dest);
    }
  g_task_return_pointer (task, status, (GDestroyNotify) kiosk_printer_status_free);
}

/**
 * kiosk_printer_get_status_async:
 *
 * Asks CUPS for the default printer's name and state (%KIOSK_PRINTER_STATE_NONE when there is
 * no default printer or no CUPS).
 */
void
kiosk_printer_get_status_async (GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  kiosk_task_run_in_thread (NULL, cancellable, callback, user_data, kiosk_printer_get_status_async,
                            NULL, NULL, get_status_in_thread);
}

KioskPrinterStatus *
kiosk_printer_get_status_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return kiosk_task_propagate_pointer (result, NULL, error);
}
