/* kiosk-camera.c: the terminal's camera (see kiosk-camera.h).
 *
 * GStreamer's streaming thread hands each frame to the appsink, which keeps one (the others are
 * dropped: a citizen looks at the latest only). That thread also shrinks it to a preview, so that
 * the main loop only turns a small image into a texture; "frame" is emitted on the main context
 * the camera was started from, at most once per frame shown. The full frame is copied only when
 * the photo is taken. Stopping sets the pipeline to NULL in a worker (a V4L2 device can take a
 * while to let go). */
#include "kiosk-camera.h"
#include "kiosk-dispatch.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <string.h>

#define PREVIEW_SIDE 640
#define DEFAULT_SOURCE "v4l2src"

struct _KioskCamera
{
  GObject       parent_instance;

  GstElement   *pipeline;
  GMainContext *context;
  guint         bus_watch;

  GMutex        lock;
  GstSample    *sample;        /* the latest frame, under lock */
  KioskImage   *preview;       /* made from it, under lock */
  gboolean      frame_pending; /* a "frame" signal is on its way, under lock */
};

G_DEFINE_FINAL_TYPE (KioskCamera, kiosk_camera, G_TYPE_OBJECT)

enum { SIGNAL_FRAME, SIGNAL_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

/**
 * kiosk_camera_is_available:
 *
 * Returns: whether the terminal has a camera (a V4L2 device), or a test gave its pipeline
 */
gboolean
kiosk_camera_is_available (void)
{
  const char *pipeline = g_getenv ("KIOSK_CAMERA_PIPELINE");

  if (pipeline != NULL)
    return *pipeline != '\0';
  for (int i = 0; i < 8; i++)
    {
      g_autofree char *device = g_strdup_printf ("/dev/video%d", i);

      if (g_file_test (device, G_FILE_TEST_EXISTS))
        return TRUE;
    }
  return FALSE;
}

/* An 8-bit RGB image from a frame, rows packed. */
static KioskImage *
image_from_sample (GstSample *sample,
                   guint      max_side)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  KioskImage *image = NULL;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return NULL;
  {
    guint width = GST_VIDEO_FRAME_WIDTH (&frame);
    guint height = GST_VIDEO_FRAME_HEIGHT (&frame);
    guint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
    const guint8 *src = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
    guint factor = max_side > 0 ? MAX (1, (MAX (width, height) + max_side - 1) / max_side) : 1;
    guint out_width = MAX (1, width / factor), out_height = MAX (1, height / factor);
    guint8 *rgb = g_malloc ((gsize) out_width * out_height * 3);
    g_autoptr(GBytes) bytes = NULL;

    for (guint y = 0; y < out_height; y++)
      {
        const guint8 *row = src + (gsize) y * factor * stride;

        if (factor == 1)
          memcpy (rgb + (gsize) y * out_width * 3, row, (gsize) out_width * 3);
        else
          for (guint x = 0; x < out_width; x++)
            memcpy (rgb + ((gsize) y * out_width + x) * 3, row + (gsize) x * factor * 3, 3);
      }
    bytes = g_bytes_new_take (rgb, (gsize) out_width * out_height * 3);
    image = kiosk_image_new (out_width, out_height, 0, bytes);
  }
  gst_video_frame_unmap (&frame);
  return image;
}

static gboolean
emit_frame_cb (gpointer data)
{
  KioskCamera *self = data;

  g_mutex_lock (&self->lock);
  self->frame_pending = FALSE;
  g_mutex_unlock (&self->lock);
  g_signal_emit (self, signals[SIGNAL_FRAME], 0);
  return G_SOURCE_REMOVE;
}

/* On GStreamer's streaming thread. */
static GstFlowReturn
new_sample_cb (GstAppSink *sink,
               gpointer    data)
{
  KioskCamera *self = data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  KioskImage *preview;
  gboolean notify;

  if (sample == NULL)
    return GST_FLOW_OK;
  preview = image_from_sample (sample, PREVIEW_SIDE);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->sample, gst_sample_unref);
  self->sample = sample;
  g_clear_pointer (&self->preview, kiosk_image_free);
  self->preview = preview;
  notify = !self->frame_pending && self->context != NULL;
  self->frame_pending |= notify;
  g_mutex_unlock (&self->lock);
  if (notify)
    kiosk_dispatch (self->context, emit_frame_cb, g_object_ref (self), g_object_unref);
  return GST_FLOW_OK;
}

static gboolean
bus_message_cb (GstBus     *bus,
                GstMessage *message,
                gpointer    data)
{
  KioskCamera *self = data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR || GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *debug = NULL;

      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        gst_message_parse_error (message, &error, &debug);
      g_message ("Camera stopped: %s", error ? error->message : "end of stream");
      g_signal_emit (self, signals[SIGNAL_FAILED], 0);
    }
  return G_SOURCE_CONTINUE;
}

/**
 * kiosk_camera_start:
 *
 * Starts the camera; "frame" is then emitted on the calling thread's main context as frames come,
 * "failed" if the camera stops by itself (unplugged, an error).
 */
gboolean
kiosk_camera_start (KioskCamera  *self,
                    GError      **error)
{
  const char *source = g_getenv ("KIOSK_CAMERA_PIPELINE");
  g_autofree char *description = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  GError *parse_error = NULL;
  GstAppSinkCallbacks callbacks = { 0 };

  g_return_val_if_fail (self->pipeline == NULL, FALSE);
  callbacks.new_sample = new_sample_cb;
  if (!gst_init_check (NULL, NULL, error))
    return FALSE;
  description = g_strdup_printf ("%s ! videoconvert ! video/x-raw,format=RGB ! "
                                 "appsink name=sink max-buffers=1 drop=true sync=false",
                                 source != NULL && *source != '\0' ? source : DEFAULT_SOURCE);
  self->pipeline = gst_parse_launch (description, &parse_error);
  if (self->pipeline == NULL || parse_error != NULL)
    {
      g_propagate_error (error, parse_error);
      g_clear_object (&self->pipeline);
      return FALSE;
    }
  sink = gst_bin_get_by_name (GST_BIN (self->pipeline), "sink");
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  self->context = g_main_context_ref_thread_default ();
  bus = gst_element_get_bus (self->pipeline);
  {
    GSource *watch = gst_bus_create_watch (bus);

    g_source_set_callback (watch, (GSourceFunc) (void (*) (void)) bus_message_cb, self, NULL);
    self->bus_watch = g_source_attach (watch, self->context);
    g_source_unref (watch);
  }
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The camera does not start");
      kiosk_camera_stop (self);
      return FALSE;
    }
  return TRUE;
}

static void
stop_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  gst_element_set_state (task_data, GST_STATE_NULL);
  g_task_return_boolean (task, TRUE);
}

/* Stops the camera and forgets its frames (a worker lets the device go). */
void
kiosk_camera_stop (KioskCamera *self)
{
  if (self->pipeline != NULL)
    {
      g_autoptr(GstElement) sink = gst_bin_get_by_name (GST_BIN (self->pipeline), "sink");
      GstAppSinkCallbacks none = { 0 };
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      /* No more frames reach this object, whatever the pipeline still does. */
      gst_app_sink_set_callbacks (GST_APP_SINK (sink), &none, NULL, NULL);
      g_task_set_task_data (task, g_steal_pointer (&self->pipeline), gst_object_unref);
      g_task_run_in_thread (task, stop_in_thread);
    }
  if (self->bus_watch != 0)
    {
      GSource *watch = g_main_context_find_source_by_id (self->context, self->bus_watch);

      if (watch != NULL)
        g_source_destroy (watch);
      self->bus_watch = 0;
    }
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->sample, gst_sample_unref);
  g_clear_pointer (&self->preview, kiosk_image_free);
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&self->context, g_main_context_unref);
}

/**
 * kiosk_camera_dup_preview:
 *
 * Returns: (transfer full) (nullable): the latest frame, at most 640 pixels a side
 */
KioskImage *
kiosk_camera_dup_preview (KioskCamera *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GBytes) pixels = NULL;

  if (self->preview == NULL)
    return NULL;
  pixels = g_bytes_new (g_bytes_get_data (self->preview->pixels, NULL), g_bytes_get_size (self->preview->pixels));
  return kiosk_image_new (self->preview->width, self->preview->height, 0, pixels);
}

/**
 * kiosk_camera_capture:
 *
 * Returns: (transfer full) (nullable): the latest frame, whole: the photo
 */
KioskImage *
kiosk_camera_capture (KioskCamera *self)
{
  g_autoptr(GstSample) sample = NULL;
  KioskImage *image;

  g_mutex_lock (&self->lock);
  if (self->sample != NULL)
    sample = gst_sample_ref (self->sample);
  g_mutex_unlock (&self->lock);
  if (sample == NULL)
    return NULL;
  image = image_from_sample (sample, 0);
  /* A camera does not know the document's resolution: as a scan at 200 dpi, for the checks. */
  if (image != NULL)
    image->dpi = 200;
  return image;
}

static void
kiosk_camera_dispose (GObject *object)
{
  kiosk_camera_stop (KIOSK_CAMERA (object));
  G_OBJECT_CLASS (kiosk_camera_parent_class)->dispose (object);
}

static void
kiosk_camera_finalize (GObject *object)
{
  g_mutex_clear (&KIOSK_CAMERA (object)->lock);
  G_OBJECT_CLASS (kiosk_camera_parent_class)->finalize (object);
}

static void
kiosk_camera_class_init (KioskCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kiosk_camera_dispose;
  object_class->finalize = kiosk_camera_finalize;
  signals[SIGNAL_FRAME] = g_signal_new ("frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 0);
}

static void
kiosk_camera_init (KioskCamera *self)
{
  g_mutex_init (&self->lock);
}

KioskCamera *
kiosk_camera_new (void)
{
  return g_object_new (KIOSK_TYPE_CAMERA, NULL);
}
