/* kiosk-scanner.c: the scanner service. One thread takes scan requests in turn and, for each,
 * runs kiosk-scan-helper, the process that makes every SANE call, and reads the page from it.
 *
 * SANE backends run in that helper, never in the kiosk: listing devices can take seconds, a
 * backend can hang or crash, and the test backend cancels its reader thread asynchronously,
 * which can leave a libc lock held for ever (seen here: the dynamic loader's lock, 9 runs in 30
 * under load). A helper that misbehaves is killed: on cancel, on a watchdog that fires when no
 * data came for a while, and as soon as its answer has been read. A partial page is zeroed and
 * discarded. */
#define _GNU_SOURCE   /* F_SETPIPE_SZ */
#include "kiosk-scanner.h"
#include "kiosk-dispatch.h"

#include "kiosk-errors.h"
#include "kiosk-hardening.h"
#include "kiosk-sandbox.h"

#include <gio/gunixinputstream.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sane/sane.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct _KioskScanner
{
  GObject       parent_instance;

  GThread      *thread;
  GAsyncQueue  *jobs;          /* of Job; a job with task == NULL stops the thread */
  GMutex        lock;
  char         *device;        /* requested device, or NULL for the first one found */
  char         *device_name;   /* the device in use, under lock */
  char         *helper;        /* path of kiosk-scan-helper */
  GSubprocess  *process;       /* the helper of the scan in progress, under lock */
  GStrv         extra;         /* device-specific "name=value" options, under lock */
  guint         watchdog_ms;   /* under lock */
  guint         release_delay_ms;
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
  gboolean           list;        /* list the devices instead of scanning */
  gboolean           sources;     /* list the device's paper sources instead of scanning */
  gboolean           batch;       /* every page of the feeder */
  KioskScanPageFunc  page_func;   /* batch: each page, on the caller's context */
  gpointer           page_data;
} Job;

static gboolean
drop_task (gpointer task)
{
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
free_job (Job *job)
{
  /* The task holds a reference on the scanner. Were the worker thread to drop the last one, the
   * scanner would be finalized on its own thread and join itself: hand the task back to the
   * context that created it, which drops it there. */
  if (job->task != NULL && job->context != NULL)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, G_SOURCE_FUNC (drop_task), g_steal_pointer (&job->task), NULL);
      g_source_attach (source, job->context);
      g_source_unref (source);
    }
  g_clear_object (&job->task);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}

/* Maps a SANE status reported by the helper (or -1: no such device) to our codes. */
static void
set_status_error (int          status,
                  const char  *message,
                  GError     **error)
{
  KioskScannerError code;

  switch (status)
    {
    case -1: code = KIOSK_SCANNER_ERROR_NO_DEVICE; break;
    case SANE_STATUS_JAMMED: code = KIOSK_SCANNER_ERROR_JAMMED; break;
    case SANE_STATUS_COVER_OPEN: code = KIOSK_SCANNER_ERROR_COVER_OPEN; break;
    case -2: code = KIOSK_SCANNER_ERROR_NO_FEEDER; break;
    case SANE_STATUS_NO_DOCS: code = KIOSK_SCANNER_ERROR_NO_DOCS; break;
    case SANE_STATUS_DEVICE_BUSY: code = KIOSK_SCANNER_ERROR_BUSY; break;
    case SANE_STATUS_UNSUPPORTED: code = KIOSK_SCANNER_ERROR_UNSUPPORTED; break;
    default: code = KIOSK_SCANNER_ERROR_IO; break;
    }
  g_set_error (error, KIOSK_SCANNER_ERROR, code, "Scanner: %s", message);
}

typedef struct
{
  KioskScanProgress progress;
  gpointer          data;
  double            fraction;
  KioskImage       *partial;
} ProgressIdle;

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressIdle *idle = user_data;

  idle->progress (idle->fraction, idle->partial, idle->data);
  return G_SOURCE_REMOVE;
}

static void
free_progress_idle (gpointer data)
{
  ProgressIdle *idle = data;

  g_clear_pointer (&idle->partial, kiosk_image_free);
  g_free (idle);
}

/* @partial: (transfer full) (nullable) */
static void
report_progress (Job        *job,
                 double      fraction,
                 KioskImage *partial)
{
  ProgressIdle *idle;

  if (job->progress == NULL)
    {
      g_clear_pointer (&partial, kiosk_image_free);
      return;
    }
  idle = g_new0 (ProgressIdle, 1);
  idle->progress = job->progress;
  idle->data = job->progress_data;
  idle->fraction = fraction;
  idle->partial = partial;
  kiosk_dispatch (job->context, report_progress_cb, idle, free_progress_idle);
}

/* The page as it arrives, shrunk to at most PREVIEW_SIDE pixels a side: each of its rows is
 * made once the rows of the page it covers are in. */
#define PREVIEW_SIDE 360

typedef struct
{
  guint   factor;
  guint   width;
  guint   height;
  guint   done;     /* rows made */
  guint8 *rgb;
} Preview;

static void
preview_init (Preview *preview,
              guint    width,
              guint    height)
{
  preview->factor = MAX (1, (MAX (width, height) + PREVIEW_SIDE - 1) / PREVIEW_SIDE);
  preview->width = MAX (1, width / preview->factor);
  preview->height = MAX (1, height / preview->factor);
  preview->done = 0;
  preview->rgb = g_malloc ((gsize) preview->width * preview->height * 3);
  memset (preview->rgb, 0xff, (gsize) preview->width * preview->height * 3);   /* white paper */
}

/* Row @y of the page has arrived: the preview row it falls in the middle of is made from it. */
static void
preview_take_row (Preview      *preview,
                  const guint8 *row,
                  guint         y)
{
  guint f = preview->factor;

  if (preview->rgb == NULL || y % f != f / 2 || y / f >= preview->height)
    return;
  /* One pixel in the middle of each square: a glimpse, at a hundredth of the cost of averaging
   * (the thumbnail kept with the page is averaged, once). */
  for (guint x = 0; x < preview->width; x++)
    memcpy (preview->rgb + ((gsize) (y / f) * preview->width + x) * 3, row + (gsize) (x * f + f / 2) * 3, 3);
  preview->done = y / f + 1;
}

/* The reduced copy of a page encoded as it comes, for the checks (blank, faint, dark, cut off) and
 * the card's crop: a third of the width and height, each pixel the average of a 3 × 3 square —
 * small enough (2.9 MB for an A4 page at 300 dpi, against 26 MB), and a stroke of one pixel of
 * mid grey still reads darker than the blank threshold (225). */
#define REDUCED_FACTOR 3

typedef struct
{
  guint    width;
  guint    height;
  guint32 *sums;
  guint8  *rgb;
} Reduced;

static void
reduced_init (Reduced *reduced,
              guint    width,
              guint    height)
{
  reduced->width = MAX (1, width / REDUCED_FACTOR);
  reduced->height = MAX (1, height / REDUCED_FACTOR);
  reduced->sums = g_new0 (guint32, (gsize) reduced->width * 3);
  reduced->rgb = g_malloc0 ((gsize) reduced->width * reduced->height * 3);
}

static void
reduced_take_row (Reduced      *reduced,
                  const guint8 *row,
                  guint         row_width,
                  guint         y)
{
  guint32 *sums = reduced->sums;

  if (y / REDUCED_FACTOR >= reduced->height)
    return;
  /* reduced->width is row_width / 3, rounded down: the three pixels of each square are in the
   * row (no bound to check per pixel, and the compiler vectorises the loop), but for a page
   * narrower than 3 pixels, whose last pixel repeats. */
  if (row_width < REDUCED_FACTOR * reduced->width)
    {
      for (guint c = 0; c < 3; c++)
        for (guint dx = 0; dx < REDUCED_FACTOR; dx++)
          sums[c] += row[(gsize) MIN (dx, row_width - 1) * 3 + c];
    }
  else
    for (guint x = 0; x < reduced->width; x++)
      {
        const guint8 *p = row + (gsize) x * 9;

        sums[x * 3] += p[0] + p[3] + p[6];
        sums[x * 3 + 1] += p[1] + p[4] + p[7];
        sums[x * 3 + 2] += p[2] + p[5] + p[8];
      }
  if (y % REDUCED_FACTOR == REDUCED_FACTOR - 1)
    {
      guint8 *out = reduced->rgb + (gsize) (y / REDUCED_FACTOR) * reduced->width * 3;

      for (gsize i = 0; i < (gsize) reduced->width * 3; i++)
        {
          out[i] = sums[i] / (REDUCED_FACTOR * REDUCED_FACTOR);
          sums[i] = 0;
        }
    }
}

static void
reduced_clear (Reduced *reduced)
{
  if (reduced->rgb != NULL)
    explicit_bzero (reduced->rgb, (gsize) reduced->width * reduced->height * 3);
  g_clear_pointer (&reduced->rgb, g_free);
  g_clear_pointer (&reduced->sums, g_free);
}

/* Rows in flight between the thread reading the helper and the one encoding: enough for the two
 * to overlap, little memory (64 rows of an A4 page at 300 dpi: 476 kB). */
#define ENCODER_ROWS 64

/* The JPEG and the reduced copy, made on a thread of their own from rows handed over in order. */
typedef struct
{
  KioskJpegWriter *writer;
  Reduced          reduced;
  guint            width;
  gsize            row_bytes;
  guint8          *buffers;
  GAsyncQueue     *free_rows;
  GAsyncQueue     *full_rows;   /* the encoder itself as a row: the end */
  GThread         *thread;
  gint64           busy_us;     /* the thread's time encoding, read once it is joined */
} Encoder;

static gpointer
encoder_thread (gpointer data)
{
  Encoder *encoder = data;
  guint y = 0;

  for (;;)
    {
      guint8 *row = g_async_queue_pop (encoder->full_rows);

      gint64 start;

      if (row == (guint8 *) encoder)
        break;
      start = g_get_monotonic_time ();
      kiosk_jpeg_writer_write_row (encoder->writer, row);
      reduced_take_row (&encoder->reduced, row, encoder->width, y++);
      encoder->busy_us += g_get_monotonic_time () - start;
      g_async_queue_push (encoder->free_rows, row);
    }
  return NULL;
}

static gboolean
encoder_start (Encoder *encoder,
               guint    width,
               guint    height,
               guint    dpi,
               int      quality)
{
  encoder->writer = kiosk_jpeg_writer_new (width, height, dpi, quality);
  if (encoder->writer == NULL)
    return FALSE;
  reduced_init (&encoder->reduced, width, height);
  encoder->width = width;
  encoder->row_bytes = (gsize) width * 3;
  encoder->buffers = g_malloc (ENCODER_ROWS * encoder->row_bytes);
  encoder->free_rows = g_async_queue_new ();
  encoder->full_rows = g_async_queue_new ();
  for (guint i = 0; i < ENCODER_ROWS; i++)
    g_async_queue_push (encoder->free_rows, encoder->buffers + i * encoder->row_bytes);
  encoder->thread = g_thread_new ("kiosk-encode", encoder_thread, encoder);
  return TRUE;
}

/* A free row buffer to read the next row into; waits only when ENCODER_ROWS are already queued. */
static guint8 *
encoder_get_row (Encoder *encoder)
{
  return g_async_queue_pop (encoder->free_rows);
}

/* Hands a row from encoder_get_row() over, filled. */
static void
encoder_put_row (Encoder *encoder,
                 guint8  *row)
{
  g_async_queue_push (encoder->full_rows, row);
}

/* Waits for the rows handed over to be encoded; the writer and the reduced copy stay. */
static void
encoder_stop (Encoder *encoder)
{
  if (encoder->thread == NULL)
    return;
  g_async_queue_push (encoder->full_rows, encoder);
  g_thread_join (encoder->thread);
  encoder->thread = NULL;
  explicit_bzero (encoder->buffers, ENCODER_ROWS * encoder->row_bytes);
  g_clear_pointer (&encoder->buffers, g_free);
  g_clear_pointer (&encoder->free_rows, g_async_queue_unref);
  g_clear_pointer (&encoder->full_rows, g_async_queue_unref);
}

static void
encoder_clear (Encoder *encoder)
{
  encoder_stop (encoder);
  g_clear_pointer (&encoder->writer, kiosk_jpeg_writer_free);
  reduced_clear (&encoder->reduced);
}

static KioskImage *
preview_copy (const Preview *preview,
              guint          dpi)
{
  g_autoptr(GBytes) pixels = g_bytes_new (preview->rgb, (gsize) preview->width * preview->height * 3);

  return kiosk_image_new (preview->width, preview->height, dpi / preview->factor, pixels);
}

static void
preview_clear (Preview *preview)
{
  if (preview->rgb != NULL)
    explicit_bzero (preview->rgb, (gsize) preview->width * preview->height * 3);
  g_clear_pointer (&preview->rgb, g_free);
}

/* Reads from the helper's pipe, in slices of 100 ms so that a cancel or the watchdog is seen
 * promptly. Returns the bytes read (0 at end of output), or -1 with @error set; the time spent
 * waiting for the helper is added to @wait_us. */
static gssize
read_some (KioskScanner  *self,
           int            fd,
           guint8        *buffer,
           gsize          size,
           gint64        *wait_us,
           GError       **error)
{
  gint64 deadline;

  g_mutex_lock (&self->lock);
  deadline = g_get_monotonic_time () + (gint64) self->watchdog_ms * 1000;
  g_mutex_unlock (&self->lock);

  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gint64 before;
      int ready;

      if (g_atomic_int_get (&self->cancelled))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Scan cancelled");
          return -1;
        }
      before = g_get_monotonic_time ();
      if (before > deadline)
        {
          g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                               "Scanner: no data from the device for too long");
          return -1;
        }
      ready = poll (&pfd, 1, 100);
      *wait_us += g_get_monotonic_time () - before;
      if (ready > 0)
        {
          gssize n = read (fd, buffer, size);

          if (n >= 0)
            return n;
          if (errno != EINTR && errno != EAGAIN)
            {
              g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                           "Scanner: reading from the helper: %s", g_strerror (errno));
              return -1;
            }
        }
    }
}

/* The helper's output, read in large slices: header lines are parsed from memory (they were
 * read a byte at a time, two system calls a byte), and a page's bytes go straight where they are
 * needed once nothing is buffered. */
typedef struct
{
  KioskScanner *scanner;
  int           fd;
  gsize         start;
  gsize         end;
  gint64        wait_us;    /* in poll(), waiting for the helper */
  guint8        buffer[64 * 1024];
} Reader;

static Reader *
reader_new (KioskScanner *self,
            GSubprocess  *process)
{
  Reader *reader = g_new0 (Reader, 1);

  reader->scanner = self;
  reader->fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (process)));
  /* A larger pipe: the helper writes a few hundred rows ahead instead of twenty, and each side
   * wakes the other less often (the kernel may keep its default: nothing changes then). */
  fcntl (reader->fd, F_SETPIPE_SZ, 1024 * 1024);
  return reader;
}

static void
reader_free (Reader *reader)
{
  /* Page bytes may be in the buffer. */
  explicit_bzero (reader->buffer, sizeof reader->buffer);
  g_free (reader);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reader, reader_free)

/* Like read_some(): at most @size bytes into @out; 0 at the end of the output. */
static gssize
reader_read (Reader  *reader,
             guint8  *out,
             gsize    size,
             GError **error)
{
  gsize n;

  if (reader->start == reader->end)
    {
      gssize got;

      /* Large reads skip the buffer: a row is read where the encoder takes it. */
      if (size >= sizeof reader->buffer / 4)
        return read_some (reader->scanner, reader->fd, out, size, &reader->wait_us, error);
      got = read_some (reader->scanner, reader->fd, reader->buffer, sizeof reader->buffer, &reader->wait_us, error);
      if (got <= 0)
        return got;
      reader->start = 0;
      reader->end = got;
    }
  n = MIN (size, reader->end - reader->start);
  memcpy (out, reader->buffer + reader->start, n);
  reader->start += n;
  return n;
}

/* Reads one header line (DEVICE, FRAME, DATA, END or ERROR), without its newline. */
static char *
read_header (Reader  *reader,
             GError **error)
{
  GString *line = g_string_new (NULL);

  for (;;)
    {
      const guint8 *from = reader->buffer + reader->start;
      const guint8 *newline = memchr (from, '\n', reader->end - reader->start);
      gsize take = newline ? (gsize) (newline - from) : reader->end - reader->start;
      gssize got;

      if (line->len + take >= 1024)
        break;
      g_string_append_len (line, (const char *) from, take);
      reader->start += take;
      if (newline != NULL)
        {
          reader->start++;
          return g_string_free (line, FALSE);
        }
      got = read_some (reader->scanner, reader->fd, reader->buffer, sizeof reader->buffer, &reader->wait_us, error);
      if (got < 0)
        return g_string_free (line, TRUE), NULL;
      if (got == 0)
        {
          g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                               "Scanner: the helper stopped without an answer");
          return g_string_free (line, TRUE), NULL;
        }
      reader->start = 0;
      reader->end = got;
    }
  g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                       "Scanner: the helper's answer is malformed");
  return g_string_free (line, TRUE), NULL;
}

/* Turns "ERROR <status> <message>" into a GError; anything else unexpected is an I/O error. */
static gboolean
check_error_line (const char  *line,
                  GError     **error)
{
  char *end = NULL;
  long status;

  if (!g_str_has_prefix (line, "ERROR "))
    return TRUE;
  status = strtol (line + 6, &end, 10);
  set_status_error ((int) status, end && *end ? end + 1 : line, error);
  return FALSE;
}

static GSubprocess *
spawn_helper (KioskScanner  *self,
              Job           *job,
              GError       **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, g_strdup (self->helper));
  g_mutex_lock (&self->lock);
  if (job->list)
    g_ptr_array_add (argv, g_strdup ("--list"));
  else if (job->sources)
    {
      g_ptr_array_add (argv, g_strdup ("--sources"));
      if (self->device != NULL)
        g_ptr_array_add (argv, g_strdup_printf ("--device=%s", self->device));
    }
  else
    {
      g_ptr_array_add (argv, g_strdup_printf ("--dpi=%u", job->options.dpi));
      if (job->batch)
        g_ptr_array_add (argv, g_strdup ("--batch"));
      if (job->batch && job->options.duplex)
        g_ptr_array_add (argv, g_strdup ("--duplex"));
      if (!job->options.color)
        g_ptr_array_add (argv, g_strdup ("--gray"));
      if (self->device != NULL)
        g_ptr_array_add (argv, g_strdup_printf ("--device=%s", self->device));
    }
  for (guint i = 0; !job->list && !job->sources && self->extra != NULL && self->extra[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup_printf ("--option=%s", self->extra[i]));
  g_mutex_unlock (&self->lock);
  g_ptr_array_add (argv, NULL);

  /* In the sandbox, which also makes it die with the kiosk. */
  process = kiosk_sandbox_spawn (KIOSK_SANDBOX_SCAN, launcher, (const char * const *) argv->pdata, &local_error);
  if (process == NULL)
    g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_NO_DEVICE,
                 "Scanner: cannot start %s: %s", self->helper, local_error->message);
  return process;
}

/* A hand-scanner's page, whose height is learnt at the end, may not grow beyond this. */
#define HAND_SCANNER_MAX_BYTES ((gsize) 256 * 1024 * 1024)

static double
elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000.0;
}

/* "END" or "END <µs the helper spent in SANE>". */
static gboolean
is_end (const char *block,
        double     *helper_sane_ms)
{
  if (g_str_equal (block, "END"))
    return TRUE;
  if (!g_str_has_prefix (block, "END "))
    return FALSE;
  *helper_sane_ms = g_ascii_strtoull (block + 4, NULL, 10) / 1000.0;
  return TRUE;
}

static KioskImage *
scan_page (KioskScanner  *self,
           Job           *job,
           Reader        *reader,
           gint64         started,
           gboolean      *batch_end,
           KioskScan    **scan,
           GError       **error)
{
  g_autofree char *line = NULL;
  guint width = 0, height = 0;
  gsize expected, filled = 0, capacity;
  gboolean unknown_height;
  gint64 last_report = 0;
  guint8 *rgb;
  Preview preview = { 0 };
  /* Encoded as it comes (options.jpeg_quality): rows are read straight into the encoder's row
   * buffers, then the JPEG and the reduced copy are all that is kept. A hand-scanner's page,
   * whose height JPEG needs first, is held whole. */
  gboolean streaming;
  gsize row_bytes;
  Encoder encoder = { 0 };
  guint8 *row = NULL;          /* streaming: the encoder's row being filled */
  KioskScanTimings timings = { 0 };
  gint64 first_row = 0, waited = 0, preview_us = 0;
  gint64 wait_before = reader->wait_us;

  line = read_header (reader, error);
  if (line == NULL || !check_error_line (line, error))
    return NULL;
  if (g_str_has_prefix (line, "DEVICE "))
    {
      g_mutex_lock (&self->lock);
      g_free (self->device_name);
      self->device_name = g_strdup (line + 7);
      g_mutex_unlock (&self->lock);
      g_free (line);
      line = read_header (reader, error);
      if (line == NULL || !check_error_line (line, error))
        return NULL;
    }
  if (g_str_equal (line, "BATCH_END"))
    {
      *batch_end = TRUE;
      return NULL;
    }
  if (sscanf (line, "FRAME %u %u", &width, &height) != 2 || width == 0
      || width > 100000 || height > 100000 || (gsize) width * height * 3 > HAND_SCANNER_MAX_BYTES)
    {
      g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                   "Scanner: unexpected answer from the helper: %.40s", line);
      return NULL;
    }

  /* Height 0: a hand-scanner, which learns the height at the end. Room grows row by row, up to
   * what an A4 page at 600 dpi would take, then the page is refused. */
  unknown_height = height == 0;
  streaming = scan != NULL && job->options.jpeg_quality > 0 && !unknown_height;
  row_bytes = (gsize) width * 3;
  capacity = unknown_height ? (gsize) width * 3 * 256 : streaming ? 1 : (gsize) width * height * 3;
  expected = unknown_height ? MIN ((gsize) width * 3 * 100000, HAND_SCANNER_MAX_BYTES) : (gsize) width * height * 3;
  rgb = g_try_malloc (capacity);
  if (rgb == NULL)
    {
      g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO, "Scanner: page too large");
      return NULL;
    }
  if (!unknown_height && job->progress != NULL)
    preview_init (&preview, width, height);
  if (streaming && !encoder_start (&encoder, width, height, job->options.dpi, job->options.jpeg_quality))
    {
      g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO, "Scanner: page too large");
      goto discard;
    }
  for (;;)
    {
      g_autofree char *block = read_header (reader, error);
      gsize length;
      gint64 now;

      if (block == NULL || !check_error_line (block, error))
        goto discard;
      if (first_row == 0)
        {
          first_row = g_get_monotonic_time ();
          timings.start_ms = (first_row - started) / 1000.0;
          wait_before = reader->wait_us;
        }
      if (is_end (block, &timings.helper_sane_ms))
        break;
      if (sscanf (block, "DATA %zu", &length) != 1 || length > expected - filled)
        {
          g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                       "Scanner: unexpected answer from the helper: %.40s", block);
          goto discard;
        }
      if (!streaming && filled + length > capacity)
        {
          gsize grown = MIN (MAX (capacity * 2, filled + length), expected);
          guint8 *larger = g_try_malloc (grown);

          if (larger == NULL)
            {
              g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO, "Scanner: page too large");
              goto discard;
            }
          memcpy (larger, rgb, filled);
          explicit_bzero (rgb, filled);
          g_free (rgb);
          rgb = larger;
          capacity = grown;
        }
      while (length > 0)
        {
          gsize at = streaming ? filled % row_bytes : filled;
          gsize want = streaming ? MIN (length, row_bytes - at) : length;
          gssize n;

          if (streaming && row == NULL)
            {
              gint64 before = g_get_monotonic_time ();

              row = encoder_get_row (&encoder);
              waited += g_get_monotonic_time () - before;
            }
          /* Streaming: into the encoder's row being filled; otherwise at its place in the page. */
          n = reader_read (reader, streaming ? row + at : rgb + at, want, error);
          if (n < 0)
            goto discard;
          if (n == 0)
            {
              g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                                   "Scanner: the helper stopped in the middle of the page");
              goto discard;
            }
          /* Each row completed: the preview (and, streaming, the JPEG and the reduced copy) take it. */
          for (gsize y = filled / row_bytes; y < (filled + n) / row_bytes; y++)
            {
              gint64 before = g_get_monotonic_time ();

              preview_take_row (&preview, streaming ? row : rgb + y * row_bytes, y);
              preview_us += g_get_monotonic_time () - before;
              if (streaming)
                {
                  encoder_put_row (&encoder, row);
                  row = NULL;
                }
            }
          filled += n;
          length -= n;
        }
      now = g_get_monotonic_time ();
      if (now - last_report > 100000 && !unknown_height)
        {
          last_report = now;
          report_progress (job, (double) filled / expected,
                           preview.rgb != NULL ? preview_copy (&preview, job->options.dpi) : NULL);
          preview_us += g_get_monotonic_time () - now;
        }
    }
  timings.transfer_ms = elapsed_ms (first_row);
  timings.read_wait_ms = (reader->wait_us - wait_before) / 1000.0;
  timings.encode_wait_ms = waited / 1000.0;
  timings.preview_ms = preview_us / 1000.0;
  if (unknown_height)
    {
      height = filled / ((gsize) width * 3);
      expected = (gsize) height * width * 3;
      if (height == 0 || filled != expected)
        {
          g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                               "Scanner: the page stopped before its end");
          goto discard;
        }
    }
  if (filled < expected)
    {
      g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                           "Scanner: the page stopped before its end");
      goto discard;
    }
  report_progress (job, 1.0, preview.rgb != NULL ? preview_copy (&preview, job->options.dpi) : NULL);

  if (streaming)
    {
      KioskScan *result = g_new0 (KioskScan, 1);
      Reduced reduced;
      gint64 drain_start = g_get_monotonic_time ();

      /* The preview shown last is the page's thumbnail: no second pass over the page. */
      if (preview.rgb != NULL)
        result->thumbnail = preview_copy (&preview, job->options.dpi);
      preview_clear (&preview);
      g_autoptr(GBytes) pixels = NULL;

      result->width = width;
      result->height = height;
      result->dpi = job->options.dpi;
      encoder_stop (&encoder);
      reduced = encoder.reduced;
      pixels = g_bytes_new_take (g_steal_pointer (&encoder.reduced.rgb), (gsize) reduced.width * reduced.height * 3);
      result->jpeg = kiosk_jpeg_writer_finish (g_steal_pointer (&encoder.writer));
      result->jpeg_locked = kiosk_memory_lock (g_bytes_get_data (result->jpeg, NULL), g_bytes_get_size (result->jpeg));
      result->reduced = kiosk_image_new (reduced.width, reduced.height, job->options.dpi / REDUCED_FACTOR, pixels);
      timings.encode_ms = encoder.busy_us / 1000.0;
      encoder_clear (&encoder);
      g_free (rgb);
      timings.drain_ms = elapsed_ms (drain_start);
      result->timings = timings;
      *scan = result;
      return NULL;
    }
  preview_clear (&preview);
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, expected);   /* capacity ≥ expected */
    KioskImage *image = kiosk_image_new (width, height, job->options.dpi, bytes);

    /* Asked for a JPEG, but a hand-scanner's page had to be held whole: encoded now. */
    if (scan != NULL && job->options.jpeg_quality > 0)
      {
        *scan = kiosk_scan_new_from_image (image, job->options.jpeg_quality, error);
        kiosk_image_free (image);
        if (*scan != NULL)
          (*scan)->timings = timings;
        return NULL;
      }
    return image;
  }

discard:
  preview_clear (&preview);
  /* A row being filled is one of the encoder's buffers, which encoder_clear() wipes. */
  encoder_clear (&encoder);
  /* A partial page is useless and may hold half a citizen's document: wipe it. */
  if (!streaming)
    explicit_bzero (rgb, filled);
  g_free (rgb);
  return NULL;
}

void
kiosk_scanner_device_free (KioskScannerDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->vendor);
  g_free (device->model);
  g_free (device);
}

static GPtrArray *
read_device_list (Reader   *reader,
                  GError  **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_scanner_device_free);

  for (;;)
    {
      g_autofree char *line = read_header (reader, error);
      g_auto(GStrv) fields = NULL;
      KioskScannerDevice *device;

      if (line == NULL)
        return NULL;
      if (g_str_equal (line, "END"))
        return g_steal_pointer (&devices);
      /* A helper gone wrong cannot fill the kiosk's memory with devices. */
      if (!g_str_has_prefix (line, "DEVICE ") || devices->len >= 64)
        continue;
      fields = g_strsplit (line + 7, "\t", 3);
      device = g_new0 (KioskScannerDevice, 1);
      device->name = g_strdup (fields[0]);
      device->vendor = g_strdup (fields[0] && fields[1] ? fields[1] : "");
      device->model = g_strdup (fields[0] && fields[1] && fields[2] ? fields[2] : "");
      g_ptr_array_add (devices, device);
    }
}

/* DEVICE, then SOURCE lines until END (or an ERROR: no scanner, cannot open it). */
static GStrv
read_source_list (Reader   *reader,
                  GError  **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint count = 0;

  for (;;)
    {
      g_autofree char *line = read_header (reader, error);

      if (line == NULL || !check_error_line (line, error))
        return NULL;
      if (g_str_equal (line, "END"))
        return g_strv_builder_end (builder);
      if (g_str_has_prefix (line, "SOURCE ") && ++count <= 64)
        g_strv_builder_add (builder, line + 7);
    }
}

typedef struct
{
  KioskScanPageFunc  func;
  gpointer           data;
  KioskImage        *image;
} PageIdle;

static void
free_page_idle (PageIdle *idle)
{
  g_clear_pointer (&idle->image, kiosk_image_free);
  g_free (idle);
}

static gboolean
deliver_page_cb (gpointer user_data)
{
  PageIdle *idle = user_data;

  if (idle->func != NULL)
    idle->func (g_steal_pointer (&idle->image), idle->data);
  return G_SOURCE_REMOVE;
}

static void
run_job (KioskScanner *self,
         Job          *job)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  gpointer result = NULL;             /* what the job returns, freed by result_free */
  GDestroyNotify result_free = NULL;
  guint n_pages = 0;
  gint64 started;

  g_atomic_int_set (&self->cancelled, g_task_return_error_if_cancelled (job->task));
  if (g_atomic_int_get (&self->cancelled))
    return;

  started = g_get_monotonic_time ();
  process = spawn_helper (self, job, &error);
  if (process != NULL)
    {
      g_autoptr(Reader) reader = reader_new (self, process);

      g_mutex_lock (&self->lock);
      self->process = g_object_ref (process);
      g_mutex_unlock (&self->lock);

      if (job->sources)
        {
          result = read_source_list (reader, &error);
          result_free = (GDestroyNotify) g_strfreev;
        }
      else if (job->list)
        {
          result = read_device_list (reader, &error);
          result_free = (GDestroyNotify) g_ptr_array_unref;
        }
      else if (job->batch)
        {
          /* Page after page until the feeder is empty; each goes to the caller at once. */
          gboolean batch_end = FALSE;

          while (error == NULL && !batch_end)
            {
              KioskImage *page = scan_page (self, job, reader, started, &batch_end, NULL, &error);

              if (page != NULL)
                {
                  PageIdle *idle = g_new0 (PageIdle, 1);

                  idle->func = job->page_func;
                  idle->data = job->page_data;
                  idle->image = page;
                  kiosk_dispatch (job->context, deliver_page_cb, idle, (GDestroyNotify) free_page_idle);
                  n_pages++;
                }
            }
        }
      else
        {
          gboolean batch_end = FALSE;
          KioskScan *scan = NULL;

          /* A page held raw, or encoded as it came (options.jpeg_quality). */
          result = scan_page (self, job, reader, started, &batch_end, &scan, &error);
          result_free = (GDestroyNotify) kiosk_image_free;
          if (scan != NULL)
            {
              result = scan;
              result_free = (GDestroyNotify) kiosk_scan_free;
            }
        }

      /* Whatever the helper still does (releasing the device, or hanging in the backend), the
       * kiosk has what it needs: end it now. */
      g_mutex_lock (&self->lock);
      g_clear_object (&self->process);
      g_mutex_unlock (&self->lock);
      kiosk_sandbox_stop (process);
      g_subprocess_wait (process, NULL, NULL);
    }

  if (job->batch && error == NULL)
    g_task_return_int (job->task, n_pages);
  else if (result != NULL)
    g_task_return_pointer (job->task, result, result_free);
  else
    g_task_return_error (job->task, g_steal_pointer (&error));
}

static gpointer
scanner_thread (gpointer user_data)
{
  KioskScanner *self = user_data;
  for (;;)
    {
      Job *job = g_async_queue_pop (self->jobs);

      if (job->task == NULL)
        {
          free_job (job);
          break;
        }
      run_job (self, job);
      if (self->release_delay_ms > 0) /* tests: the caller releases the scanner meanwhile */
        g_usleep (self->release_delay_ms * 1000);
      if (job->cancel_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (job->task), job->cancel_id);
      free_job (job);
    }
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
  g_free (self->helper);
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

  const char *helper = g_getenv ("KIOSK_SCAN_HELPER");

  self->device = (device && *device) ? g_strdup (device) : NULL;
  self->helper = g_strdup (helper && *helper ? helper : KIOSK_LIBEXECDIR "/kiosk-scan-helper");
  self->watchdog_ms = 60000;
  self->release_delay_ms = (guint) g_ascii_strtoull (g_getenv ("KIOSK_SCANNER_RELEASE_DELAY_MS") ?: "0", NULL, 10);
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

static void cancel_scan_cb (GCancellable *cancellable,
                            KioskScanner *self);

/**
 * kiosk_scanner_set_device:
 * @device: (nullable): a SANE device name, or %NULL for the first one found
 */
void
kiosk_scanner_set_device (KioskScanner *self,
                          const char   *device)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  g_free (self->device);
  self->device = (device && *device) ? g_strdup (device) : NULL;
}

/* A request for the scanner's thread (a scan, a list): its task, with the caller's context for the answer. */
static Job *
new_job (KioskScanner           *self,
         const KioskScanOptions *options,   /* nullable: not a scan */
         GCancellable           *cancellable,
         GAsyncReadyCallback     callback,
         gpointer                user_data,
         gpointer                source_tag)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  if (options != NULL)
    job->options = *options;
  job->context = g_main_context_ref_thread_default ();
  if (cancellable != NULL)
    job->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_scan_cb), self, NULL);
  return job;
}

/**
 * kiosk_scanner_list_devices_async:
 *
 * Looks for scanners again ("Rechercher le scanneur"), in the helper: probing every backend can
 * take seconds.
 */
void
kiosk_scanner_list_devices_async (KioskScanner        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Job *job = new_job (self, NULL, cancellable, callback, user_data, kiosk_scanner_list_devices_async);

  job->list = TRUE;
  g_async_queue_push (self->jobs, job);
}

/**
 * kiosk_scanner_scan_jpeg_finish:
 *
 * For a scan started with options.jpeg_quality: the page encoded as it came.
 *
 * Returns: (transfer full): the page's JPEG and its reduced copy, or %NULL with @error set
 */
KioskScan *
kiosk_scanner_scan_jpeg_finish (KioskScanner  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kiosk_scanner_list_sources_async:
 *
 * Asks the scanner in use (or the first one found) which paper sources it has: flatbed, document
 * feeder, duplex feeder…
 */
void
kiosk_scanner_list_sources_async (KioskScanner        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Job *job = new_job (self, NULL, cancellable, callback, user_data, kiosk_scanner_list_sources_async);

  job->sources = TRUE;
  g_async_queue_push (self->jobs, job);
}

/**
 * kiosk_scanner_list_sources_finish:
 *
 * Returns: (transfer full): the sources' names, as the device gives them
 */
GStrv
kiosk_scanner_list_sources_finish (KioskScanner  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kiosk_scanner_sources_have_duplex:
 *
 * Returns: whether one of @sources is a feeder that scans both sides (its name says so, as SANE
 *   backends name them: "ADF Duplex", "Duplex")
 */
gboolean
kiosk_scanner_sources_have_duplex (const char * const *sources)
{
  for (guint i = 0; sources != NULL && sources[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (sources[i], -1);

      if (strstr (lower, "duplex") != NULL)
        return TRUE;
    }
  return FALSE;
}

/**
 * kiosk_scanner_list_devices_finish:
 *
 * Returns: (transfer full) (element-type KioskScannerDevice): the scanners found, maybe none
 */
GPtrArray *
kiosk_scanner_list_devices_finish (KioskScanner  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kiosk_scanner_set_watchdog:
 * @timeout_ms: how long a scan may go without any data before the helper is killed
 */
void
kiosk_scanner_set_watchdog (KioskScanner *self,
                            guint         timeout_ms)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->watchdog_ms = MAX (timeout_ms, 100);
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
  if (self->process != NULL)
    kiosk_sandbox_stop (self->process);
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
  Job *job = new_job (self, options, cancellable, callback, user_data, kiosk_scanner_scan_async);

  job->progress = progress;
  job->progress_data = progress_data;
  g_async_queue_push (self->jobs, job);
}

/**
 * kiosk_scanner_scan_batch_async:
 * @page_func: receives each page (transfer full) on the calling thread's context, in order
 *
 * Scans every page in the document feeder until it is empty. A feeder fault (a jam on the 7th
 * page) ends the batch with its error; the pages delivered before are whole, the page in
 * progress is discarded. A device without a feeder: %KIOSK_SCANNER_ERROR_NO_FEEDER.
 */
void
kiosk_scanner_scan_batch_async (KioskScanner           *self,
                                const KioskScanOptions *options,
                                KioskScanPageFunc       page_func,
                                gpointer                page_data,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  Job *job = new_job (self, options, cancellable, callback, user_data, kiosk_scanner_scan_batch_async);

  job->batch = TRUE;
  job->page_func = page_func;
  job->page_data = page_data;
  g_async_queue_push (self->jobs, job);
}

/**
 * kiosk_scanner_scan_batch_finish:
 *
 * Returns: how many pages were delivered, or -1 with a #KIOSK_SCANNER_ERROR or
 *   %G_IO_ERROR_CANCELLED
 */
gssize
kiosk_scanner_scan_batch_finish (KioskScanner  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
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
