/* kiosk-qr.c: renders a QR code with a 4-module quiet zone, black on white; reads the QR codes
 * in a camera's frames through kiosk-qr-helper, which runs zbar in the helpers' sandbox
 * (kiosk-sandbox.c): the kiosk itself never parses a code someone shows to the camera. */
#include "kiosk-qr.h"

#include "kiosk-errors.h"
#include "kiosk-sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <poll.h>
#include <qrencode.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* The helper's caps (kiosk-qr-helper.c), checked here first. */
#define QR_MAX_SIDE 4096
/* A QR code holds at most 7089 characters (numeric); its bytes, at most 2953. */
#define QR_TEXT_MAX 8192
#define QR_LINE_MAX 32
/* Wall-clock time the reader may take to start, or for one frame. */
#define QR_TIMEOUT_MS 10000

/**
 * kiosk_qr_render:
 * @text: what the code holds (a URL)
 * @module_px: pixels per module
 *
 * Returns: (transfer full): an RGB image of the code, or %NULL
 */
KioskImage *
kiosk_qr_render (const char  *text,
                 guint        module_px,
                 GError     **error)
{
  QRcode *code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  guint quiet = 4;
  guint side;
  guint8 *rgb;

  if (code == NULL)
    {
      g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                   "Cannot encode a QR code of %zu bytes", strlen (text));
      return NULL;
    }

  module_px = MAX (1, module_px);
  side = (code->width + 2 * quiet) * module_px;
  rgb = g_malloc ((gsize) side * side * 3);
  memset (rgb, 0xff, (gsize) side * side * 3);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        if (!(code->data[y * code->width + x] & 1))
          continue;
        for (guint dy = 0; dy < module_px; dy++)
          memset (rgb + (((gsize) (y + quiet) * module_px + dy) * side + (x + quiet) * module_px) * 3,
                  0, module_px * 3);
      }
  QRcode_free (code);

  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, (gsize) side * side * 3);

    return kiosk_image_new (side, side, 72, bytes);
  }
}

/* The reader: kiosk-qr-helper in its sandbox, one for a camera session. A worker takes it out
 * of the slot for a frame and puts it back after; kiosk_qr_reader_stop() empties the slot and
 * moves the generation on, so that a reader out for a frame is stopped on its return instead.
 * The main thread never waits for a frame. */
typedef struct
{
  GSubprocess *process;
  int          in_fd;
  int          out_fd;
} QrReader;

static GMutex reader_lock;
static QrReader *reader_slot;
static guint reader_generation;

static void
qr_reader_free (QrReader *reader)
{
  if (reader == NULL)
    return;
  /* Not waited for: GSubprocess reaps it on GLib's worker, and the caller may be the main loop. */
  kiosk_sandbox_stop (reader->process);
  g_object_unref (reader->process);
  g_free (reader);
}

static gboolean
wait_fd (int            fd,
         short          events,
         gint64         deadline,
         GCancellable  *cancellable,
         GError       **error)
{
  for (;;)
    {
      struct pollfd fds[2] = { { fd, events, 0 }, { -1, POLLIN, 0 } };
      GPollFD cancel_fd = { -1, 0, 0 };
      gboolean has_cancel_fd = cancellable != NULL && g_cancellable_make_pollfd (cancellable, &cancel_fd);
      gint64 left = deadline - g_get_monotonic_time ();
      int r;

      if (has_cancel_fd)
        fds[1].fd = cancel_fd.fd;
      r = left > 0 ? poll (fds, 2, (int) MIN (left / 1000 + 1, G_MAXINT)) : 0;
      if (has_cancel_fd)
        g_cancellable_release_fd (cancellable);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (r > 0 && fds[0].revents != 0)
        return TRUE;
      if (r < 0 && errno != EINTR)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "poll: %s", g_strerror (errno));
          return FALSE;
        }
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The QR code reader does not answer");
          return FALSE;
        }
    }
}

static gboolean
write_all (QrReader      *reader,
           const guint8  *data,
           gsize          length,
           gint64         deadline,
           GCancellable  *cancellable,
           GError       **error)
{
  while (length > 0)
    {
      ssize_t n;

      if (!wait_fd (reader->in_fd, POLLOUT, deadline, cancellable, error))
        return FALSE;
      n = write (reader->in_fd, data, MIN (length, 65536));
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "The QR code reader stopped");
          return FALSE;
        }
      data += n;
      length -= n;
    }
  return TRUE;
}

static gboolean
read_exactly (QrReader      *reader,
              guint8        *into,
              gsize          length,
              gint64         deadline,
              GCancellable  *cancellable,
              GError       **error)
{
  while (length > 0)
    {
      ssize_t n;

      if (!wait_fd (reader->out_fd, POLLIN, deadline, cancellable, error))
        return FALSE;
      n = read (reader->out_fd, into, length);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "The QR code reader stopped");
          return FALSE;
        }
      into += n;
      length -= n;
    }
  return TRUE;
}

/* One line of the reader's answer, at most QR_LINE_MAX bytes before its newline. */
static char *
read_line (QrReader      *reader,
           gint64         deadline,
           GCancellable  *cancellable,
           GError       **error)
{
  char line[QR_LINE_MAX + 1];

  for (gsize n = 0; n <= QR_LINE_MAX; n++)
    {
      if (!read_exactly (reader, (guint8 *) line + n, 1, deadline, cancellable, error))
        return NULL;
      if (line[n] == '\n')
        return g_strndup (line, n);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The QR code reader's answer is too long");
  return NULL;
}

static guint
qr_timeout_ms (void)
{
  const char *forced = g_getenv ("KIOSK_QR_TIMEOUT_MS");
  guint64 ms;

  if (forced != NULL && g_ascii_string_to_unsigned (forced, 10, 100, 600000, &ms, NULL))
    return (guint) ms;
  return QR_TIMEOUT_MS;
}

/* Starts the helper and waits for its READY: then it is confined and serving. Any failure is
 * G_IO_ERROR_NOT_INITIALIZED, for the page to say that the camera cannot read codes. */
static QrReader *
qr_reader_start (GCancellable  *cancellable,
                 GError       **error)
{
  const char *helper = g_getenv ("KIOSK_QR_HELPER");
  const char *argv[] = { helper && *helper ? helper : KIOSK_LIBEXECDIR "/kiosk-qr-helper", NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *ready = NULL;
  QrReader *reader;

  /* A reader that dies while the kiosk writes a frame must cost an EPIPE, not the kiosk. */
  signal (SIGPIPE, SIG_IGN);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  reader = g_new0 (QrReader, 1);
  reader->process = kiosk_sandbox_spawn (KIOSK_SANDBOX_IMPORT, launcher, argv, &local_error);
  if (reader->process == NULL)
    {
      g_free (reader);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   "The QR code reader cannot start: %s", local_error->message);
      return NULL;
    }
  reader->in_fd = g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (g_subprocess_get_stdin_pipe (reader->process)));
  reader->out_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (reader->process)));
  fcntl (reader->in_fd, F_SETFL, fcntl (reader->in_fd, F_GETFL) | O_NONBLOCK);
  fcntl (reader->out_fd, F_SETFL, fcntl (reader->out_fd, F_GETFL) | O_NONBLOCK);
  ready = read_line (reader, g_get_monotonic_time () + (gint64) qr_timeout_ms () * 1000, cancellable,
                     &local_error);
  if (g_strcmp0 (ready, "READY") != 0)
    {
      qr_reader_free (reader);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "The QR code reader cannot start: %s",
                     local_error ? local_error->message : ready);
      return NULL;
    }
  return reader;
}

/* One frame through @reader: the text of its first QR code, or NULL (G_IO_ERROR_NOT_FOUND: none). */
static char *
qr_reader_decode (QrReader      *reader,
                  const guint8  *grey,
                  guint          width,
                  guint          height,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) qr_timeout_ms () * 1000;
  g_autofree char *header = g_strdup_printf ("FRAME %u %u\n", width, height);
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  guint64 length;

  if (!write_all (reader, (const guint8 *) header, strlen (header), deadline, cancellable, error)
      || !write_all (reader, grey, (gsize) width * height, deadline, cancellable, error))
    return NULL;
  line = read_line (reader, deadline, cancellable, error);
  if (line == NULL)
    return NULL;
  if (strcmp (line, "NONE") == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No QR code in the frame");
      return NULL;
    }
  if (!g_str_has_prefix (line, "QR ")
      || !g_ascii_string_to_unsigned (line + 3, 10, 0, QR_TEXT_MAX, &length, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The QR code reader's answer is not understood");
      return NULL;
    }
  text = g_malloc0 (length + 1);
  if (!read_exactly (reader, (guint8 *) text, length, deadline, cancellable, error))
    return NULL;
  if (memchr (text, '\0', length) != NULL || !g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The QR code holds no text");
      return NULL;
    }
  return g_steal_pointer (&text);
}

/* Runs in a worker: the frame in grey, through the reader (started if there is none). */
typedef struct
{
  KioskImage *image;
  guint       generation;   /* the camera session the frame came from */
} Frame;

static void
frame_free (Frame *frame)
{
  kiosk_image_free (frame->image);
  g_free (frame);
}

static void
decode_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Frame *frame = task_data;
  KioskImage *image = frame->image;
  gsize n = (gsize) image->width * image->height;
  const guint8 *rgb = g_bytes_get_data (image->pixels, NULL);
  g_autofree guint8 *grey = NULL;
  g_autoptr(GError) error = NULL;
  QrReader *reader;
  guint generation;
  char *text;

  if (image->width == 0 || image->height == 0 || image->width > QR_MAX_SIDE || image->height > QR_MAX_SIDE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Frame of %u × %u refused",
                               image->width, image->height);
      return;
    }
  if (g_bytes_get_size (image->pixels) < n * 3)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Short frame");
      return;
    }
  grey = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    grey[i] = (guint8) ((rgb[i * 3] * 77 + rgb[i * 3 + 1] * 150 + rgb[i * 3 + 2] * 29) >> 8);

  g_mutex_lock (&reader_lock);
  generation = reader_generation;
  reader = generation == frame->generation ? g_steal_pointer (&reader_slot) : NULL;
  g_mutex_unlock (&reader_lock);
  /* A frame of a camera session that has ended (kiosk_qr_reader_stop() since it was handed in)
   * starts no reader: one would outlive the camera, and a sandbox still being built when the
   * kiosk exits leaves bwrap's child behind. */
  if (generation != frame->generation || g_task_return_error_if_cancelled (task))
    {
      if (!g_task_had_error (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The camera has stopped");
      return;
    }
  if (reader == NULL)
    reader = qr_reader_start (cancellable, &error);
  text = reader ? qr_reader_decode (reader, grey, image->width, image->height, cancellable, &error) : NULL;

  /* A reader that answered (a code or none) serves the next frame; one that failed is stopped,
   * and the next frame starts another. */
  if (reader != NULL && (text != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)))
    {
      g_mutex_lock (&reader_lock);
      if (reader_slot == NULL && generation == reader_generation)
        reader_slot = g_steal_pointer (&reader);
      g_mutex_unlock (&reader_lock);
    }
  qr_reader_free (reader);
  if (text == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, text, g_free);
}

/**
 * kiosk_qr_reader_stop:
 *
 * Stops the QR code reader (kiosk-qr-helper) when the camera view closes; the next frame
 * handed to kiosk_qr_decode_async() starts another. Does not wait for a frame under way.
 */
void
kiosk_qr_reader_stop (void)
{
  QrReader *reader;

  g_mutex_lock (&reader_lock);
  reader = g_steal_pointer (&reader_slot);
  reader_generation++;
  g_mutex_unlock (&reader_lock);
  qr_reader_free (reader);
}

/**
 * kiosk_qr_decode_async:
 * @image: (transfer full): a frame, 8-bit RGB
 *
 * Looks for a QR code in @image, in a worker that hands it, in grey, to kiosk-qr-helper (zbar in
 * the sandbox). The helper is started on the first frame and serves the next ones, until
 * kiosk_qr_reader_stop(); one that dies or misbehaves is stopped, and the next frame starts
 * another. Errors: %G_IO_ERROR_NOT_FOUND (no code in the frame), %G_IO_ERROR_NOT_INITIALIZED
 * (the helper cannot start), %G_IO_ERROR_INVALID_DATA (a frame or an answer refused),
 * %G_IO_ERROR_TIMED_OUT, %G_IO_ERROR_BROKEN_PIPE (the helper stopped), %G_IO_ERROR_CANCELLED (also when
 * kiosk_qr_reader_stop() was called after the frame was handed in).
 */
void
kiosk_qr_decode_async (KioskImage          *image,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Frame *frame = g_new0 (Frame, 1);

  frame->image = image;
  g_mutex_lock (&reader_lock);
  frame->generation = reader_generation;
  g_mutex_unlock (&reader_lock);
  g_task_set_source_tag (task, kiosk_qr_decode_async);
  g_task_set_task_data (task, frame, (GDestroyNotify) frame_free);
  g_task_run_in_thread (task, decode_in_thread);
}

/**
 * kiosk_qr_decode_finish:
 *
 * Returns: (transfer full): what the QR code holds, or %NULL (%G_IO_ERROR_NOT_FOUND: none seen)
 */
char *
kiosk_qr_decode_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
