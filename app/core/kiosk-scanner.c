/* kiosk-scanner.c: SANE in one dedicated thread.
 *
 * Listing devices can take seconds (every backend in dll.conf is probed) and reads block, so no
 * sane_* call ever happens on the UI thread. Cancelling sets a flag and calls sane_cancel() from
 * the requesting thread (SANE allows it), because some backends then report EOF on a partial
 * page: the flag, not the status, decides that the page is discarded. */
#include "kiosk-scanner.h"

#include "kiosk-errors.h"

#include <sane/sane.h>
#include <sane/saneopts.h>
#include <string.h>

struct _KioskScanner
{
  GObject       parent_instance;

  GThread      *thread;
  GAsyncQueue  *jobs;          /* of Job; a job with task == NULL stops the thread */
  GMutex        lock;
  char         *device;        /* requested device, or NULL for the first one found */
  char         *device_name;   /* the device in use, under lock */
  SANE_Handle   handle;        /* under lock, for sane_cancel() from another thread */
  GStrv         extra;         /* device-specific "name=value" options, under lock */
  gint          cancelled;     /* atomic */
};

G_DEFINE_FINAL_TYPE (KioskScanner, kiosk_scanner, G_TYPE_OBJECT)

typedef struct
{
  GTask             *task;
  KioskScanOptions   options;
  KioskScanProgress  progress;
  gpointer           progress_data;
  GMainContext      *context;
  gulong             cancel_id;
} Job;

static void
free_job (Job *job)
{
  g_clear_object (&job->task);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}

static gboolean
set_sane_error (SANE_Status   status,
                GError      **error)
{
  KioskScannerError code;

  switch (status)
    {
    case SANE_STATUS_JAMMED: code = KIOSK_SCANNER_ERROR_JAMMED; break;
    case SANE_STATUS_COVER_OPEN: code = KIOSK_SCANNER_ERROR_COVER_OPEN; break;
    case SANE_STATUS_NO_DOCS: code = KIOSK_SCANNER_ERROR_NO_DOCS; break;
    case SANE_STATUS_DEVICE_BUSY: code = KIOSK_SCANNER_ERROR_BUSY; break;
    case SANE_STATUS_UNSUPPORTED: code = KIOSK_SCANNER_ERROR_UNSUPPORTED; break;
    default: code = KIOSK_SCANNER_ERROR_IO; break;
    }
  g_set_error (error, KIOSK_SCANNER_ERROR, code, "Scanner: %s", sane_strstatus (status));
  return FALSE;
}

/* Sets an option by name when the device has it and it is active; vendors differ, so a missing
 * option is not an error. */
static void
set_option (SANE_Handle  handle,
            const char  *name,
            const char  *string_value,
            double       number_value)
{
  SANE_Int count = 0;

  if (sane_control_option (handle, 0, SANE_ACTION_GET_VALUE, &count, NULL) != SANE_STATUS_GOOD)
    return;
  for (SANE_Int i = 1; i < count; i++)
    {
      const SANE_Option_Descriptor *desc = sane_get_option_descriptor (handle, i);
      SANE_Int info = 0;

      if (desc == NULL || desc->name == NULL || !g_str_equal (desc->name, name))
        continue;
      if (!SANE_OPTION_IS_ACTIVE (desc->cap) || !SANE_OPTION_IS_SETTABLE (desc->cap))
        return;
      if (desc->type == SANE_TYPE_STRING && string_value != NULL)
        {
          g_autofree char *value = g_malloc0 (MAX ((gsize) desc->size, strlen (string_value) + 1));

          strcpy (value, string_value);
          sane_control_option (handle, i, SANE_ACTION_SET_VALUE, value, &info);
        }
      else if (desc->type == SANE_TYPE_BOOL && string_value != NULL)
        {
          SANE_Bool value = g_ascii_strcasecmp (string_value, "yes") == 0
                            || g_ascii_strcasecmp (string_value, "true") == 0
                            || g_str_equal (string_value, "1");

          sane_control_option (handle, i, SANE_ACTION_SET_VALUE, &value, &info);
        }
      else if (desc->type == SANE_TYPE_INT)
        {
          SANE_Int value = (SANE_Int) number_value;

          sane_control_option (handle, i, SANE_ACTION_SET_VALUE, &value, &info);
        }
      else if (desc->type == SANE_TYPE_FIXED)
        {
          SANE_Fixed value = SANE_FIX (number_value);

          sane_control_option (handle, i, SANE_ACTION_SET_VALUE, &value, &info);
        }
      return;
    }
}

typedef struct
{
  KioskScanProgress progress;
  gpointer          data;
  double            fraction;
} ProgressIdle;

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressIdle *idle = user_data;

  idle->progress (idle->fraction, idle->data);
  return G_SOURCE_REMOVE;
}

static void
report_progress (Job    *job,
                 double  fraction)
{
  ProgressIdle *idle;

  if (job->progress == NULL)
    return;
  idle = g_new0 (ProgressIdle, 1);
  idle->progress = job->progress;
  idle->data = job->progress_data;
  idle->fraction = fraction;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, report_progress_cb, idle, g_free);
}

static gboolean
open_device (KioskScanner  *self,
             GError       **error)
{
  const SANE_Device **devices = NULL;
  g_autofree char *name = g_strdup (self->device);
  SANE_Handle handle = NULL;
  SANE_Status status;

  if (name == NULL)
    {
      status = sane_get_devices (&devices, SANE_TRUE);
      if (status != SANE_STATUS_GOOD || devices == NULL || devices[0] == NULL)
        {
          g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_NO_DEVICE,
                               "No scanner found");
          return FALSE;
        }
      name = g_strdup (devices[0]->name);
    }

  status = sane_open (name, &handle);
  if (status == SANE_STATUS_INVAL || status == SANE_STATUS_ACCESS_DENIED)
    {
      g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_NO_DEVICE,
                   "Cannot open scanner %s: %s", name, sane_strstatus (status));
      return FALSE;
    }
  if (status != SANE_STATUS_GOOD)
    return set_sane_error (status, error);

  g_mutex_lock (&self->lock);
  self->handle = handle;
  g_free (self->device_name);
  self->device_name = g_steal_pointer (&name);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static KioskImage *
scan_page (KioskScanner  *self,
           Job           *job,
           GError       **error)
{
  SANE_Handle handle = self->handle;
  SANE_Parameters params;
  SANE_Status status;
  g_autoptr(GByteArray) raw = NULL;
  guint8 buffer[65536];
  gsize expected;
  gint64 last_report = 0;
  guint8 *rgb;
  gsize pixels;

  set_option (handle, SANE_NAME_SCAN_MODE, job->options.color ? SANE_VALUE_SCAN_MODE_COLOR
                                                              : SANE_VALUE_SCAN_MODE_GRAY, 0);
  set_option (handle, SANE_NAME_BIT_DEPTH, NULL, 8);
  set_option (handle, SANE_NAME_SCAN_RESOLUTION, NULL, job->options.dpi);
  {
    g_auto(GStrv) extra = NULL;

    g_mutex_lock (&self->lock);
    extra = g_strdupv (self->extra);
    g_mutex_unlock (&self->lock);
    for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
      {
        g_auto(GStrv) pair = g_strsplit (extra[i], "=", 2);

        if (pair[0] != NULL && pair[1] != NULL)
          set_option (handle, pair[0], pair[1], g_ascii_strtod (pair[1], NULL));
      }
  }

  status = sane_start (handle);
  if (status != SANE_STATUS_GOOD)
    return set_sane_error (status, error), NULL;

  status = sane_get_parameters (handle, &params);
  if (status != SANE_STATUS_GOOD)
    return set_sane_error (status, error), NULL;
  if (params.depth != 8 || params.lines <= 0 || params.pixels_per_line <= 0
      || (params.format != SANE_FRAME_RGB && params.format != SANE_FRAME_GRAY)
      || params.bytes_per_line < params.pixels_per_line * (params.format == SANE_FRAME_RGB ? 3 : 1))
    {
      g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNSUPPORTED,
                   "Unsupported frame: format %d depth %d lines %d",
                   params.format, params.depth, params.lines);
      return NULL;
    }

  expected = (gsize) params.bytes_per_line * params.lines;
  raw = g_byte_array_sized_new (expected);
  for (;;)
    {
      SANE_Int length = 0;
      gint64 now;

      status = sane_read (handle, buffer, sizeof buffer, &length);
      if (g_atomic_int_get (&self->cancelled))
        {
          explicit_bzero (raw->data, raw->len);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Scan cancelled");
          return NULL;
        }
      if (status == SANE_STATUS_EOF)
        break;
      if (status != SANE_STATUS_GOOD)
        {
          /* A partial page is useless and may hold half a citizen's document: wipe it. */
          explicit_bzero (raw->data, raw->len);
          return set_sane_error (status, error), NULL;
        }
      if (length < 0 || raw->len + (gsize) length > expected)
        {
          explicit_bzero (raw->data, raw->len);
          g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                               "The scanner sent more data than announced");
          return NULL;
        }
      g_byte_array_append (raw, buffer, length);

      now = g_get_monotonic_time ();
      if (now - last_report > 50000)
        {
          last_report = now;
          report_progress (job, (double) raw->len / expected);
        }
    }
  if (raw->len < expected)
    {
      explicit_bzero (raw->data, raw->len);
      g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                           "The scanner stopped before the end of the page");
      return NULL;
    }
  report_progress (job, 1.0);

  /* Repack into tight RGB rows whatever the device's padding and format. */
  pixels = (gsize) params.pixels_per_line * params.lines;
  rgb = g_malloc (pixels * 3);
  for (SANE_Int y = 0; y < params.lines; y++)
    {
      const guint8 *src = raw->data + (gsize) y * params.bytes_per_line;
      guint8 *dst = rgb + (gsize) y * params.pixels_per_line * 3;

      if (params.format == SANE_FRAME_RGB)
        memcpy (dst, src, (gsize) params.pixels_per_line * 3);
      else
        for (SANE_Int x = 0; x < params.pixels_per_line; x++)
          dst[x * 3] = dst[x * 3 + 1] = dst[x * 3 + 2] = src[x];
    }
  explicit_bzero (raw->data, raw->len);

  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, pixels * 3);

    return kiosk_image_new (params.pixels_per_line, params.lines, job->options.dpi, bytes);
  }
}

static void
run_job (KioskScanner *self,
         Job          *job)
{
  g_autoptr(GError) error = NULL;
  KioskImage *image = NULL;

  g_atomic_int_set (&self->cancelled, g_task_return_error_if_cancelled (job->task));
  if (g_atomic_int_get (&self->cancelled))
    return;

  if (open_device (self, &error))
    {
      image = scan_page (self, job, &error);
      g_mutex_lock (&self->lock);
      sane_cancel (self->handle);
      sane_close (self->handle);
      self->handle = NULL;
      g_mutex_unlock (&self->lock);
    }

  if (image != NULL)
    g_task_return_pointer (job->task, image, (GDestroyNotify) kiosk_image_free);
  else
    g_task_return_error (job->task, g_steal_pointer (&error));
}

static gpointer
scanner_thread (gpointer user_data)
{
  KioskScanner *self = user_data;
  SANE_Int version = 0;

  sane_init (&version, NULL);
  for (;;)
    {
      Job *job = g_async_queue_pop (self->jobs);

      if (job->task == NULL)
        {
          free_job (job);
          break;
        }
      run_job (self, job);
      if (job->cancel_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (job->task), job->cancel_id);
      free_job (job);
    }
  sane_exit ();
  return NULL;
}

static void
kiosk_scanner_finalize (GObject *object)
{
  KioskScanner *self = KIOSK_SCANNER (object);
  Job *stop = g_new0 (Job, 1);

  g_async_queue_push (self->jobs, stop);
  g_thread_join (self->thread);
  g_async_queue_unref (self->jobs);
  g_mutex_clear (&self->lock);
  g_free (self->device);
  g_free (self->device_name);
  g_strfreev (self->extra);

  G_OBJECT_CLASS (kiosk_scanner_parent_class)->finalize (object);
}

static void
kiosk_scanner_class_init (KioskScannerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_scanner_finalize;
}

static void
kiosk_scanner_init (KioskScanner *self)
{
  g_mutex_init (&self->lock);
  self->jobs = g_async_queue_new ();
}

/**
 * kiosk_scanner_new:
 * @device: (nullable): a SANE device name, or %NULL for the first one found
 *
 * Returns: (transfer full): the service; its thread starts now
 */
KioskScanner *
kiosk_scanner_new (const char *device)
{
  KioskScanner *self = g_object_new (KIOSK_TYPE_SCANNER, NULL);

  self->device = (device && *device) ? g_strdup (device) : NULL;
  self->thread = g_thread_new ("kiosk-scanner", scanner_thread, self);
  return self;
}

/**
 * kiosk_scanner_set_extra_options:
 * @options: (nullable): "name=value" SANE options applied to every scan after the standard ones,
 *   for what a given device needs (e.g. "source=Flatbed"); the SANE test backend's
 *   "read-return-value=SANE_STATUS_JAMMED" injects faults the same way
 */
void
kiosk_scanner_set_extra_options (KioskScanner       *self,
                                 const char * const *options)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  g_strfreev (self->extra);
  self->extra = g_strdupv ((char **) options);
}

/**
 * kiosk_scanner_dup_device_name:
 *
 * Returns: (transfer full) (nullable): the device last opened
 */
char *
kiosk_scanner_dup_device_name (KioskScanner *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return g_strdup (self->device_name);
}

static void
cancel_scan_cb (GCancellable *cancellable,
                KioskScanner *self)
{
  g_atomic_int_set (&self->cancelled, TRUE);
  g_mutex_lock (&self->lock);
  if (self->handle != NULL)
    sane_cancel (self->handle);
  g_mutex_unlock (&self->lock);
}

/**
 * kiosk_scanner_scan_async:
 * @options: resolution and colour
 * @progress: (nullable): called on the caller's main context
 *
 * Scans one page. Cancelling @cancellable stops the scan and discards the partial page.
 */
void
kiosk_scanner_scan_async (KioskScanner           *self,
                          const KioskScanOptions *options,
                          KioskScanProgress       progress,
                          gpointer                progress_data,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, kiosk_scanner_scan_async);
  job->options = *options;
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  if (cancellable != NULL)
    job->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_scan_cb), self, NULL);
  g_async_queue_push (self->jobs, job);
}

/**
 * kiosk_scanner_scan_finish:
 *
 * Returns: (transfer full): the page, or %NULL with a #KIOSK_SCANNER_ERROR or
 *   %G_IO_ERROR_CANCELLED
 */
KioskImage *
kiosk_scanner_scan_finish (KioskScanner  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
