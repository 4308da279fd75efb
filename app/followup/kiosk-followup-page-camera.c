/* kiosk-followup-page-camera.c: finding the dossier from the receipt's QR code shown to the
 * terminal's camera. Each frame is shown; the latest one is handed to the sandboxed QR code
 * reader (kiosk_qr_decode_async: zbar in kiosk-qr-helper), one at a time; frames that come
 * meanwhile are only shown. The first receipt's address read opens the dossier, and the camera
 * stops, and the reader with it. A reader that cannot start stops the camera; typing the number
 * and the code still works. */
#include "kiosk-followup-page-private.h"

#include "kiosk-qr.h"

#include <glib/gi18n.h>
#include <string.h>

/* Stops the camera and any reading under way; the page shows its button again. */
void
kiosk_followup_page_stop_camera (KioskFollowupPage *self)
{
  if (self->camera_cancellable != NULL)
    g_cancellable_cancel (self->camera_cancellable);
  g_clear_object (&self->camera_cancellable);
  if (self->camera != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      kiosk_camera_stop (self->camera);
      g_clear_object (&self->camera);
      kiosk_qr_reader_stop ();
    }
  self->decoding = FALSE;
  if (self->camera_picture != NULL)
    {
      gtk_picture_set_paintable (self->camera_picture, NULL);
      gtk_widget_set_visible (self->camera_box, FALSE);
      gtk_widget_set_visible (self->camera_button, kiosk_camera_is_available ());
    }
}

static void
decoded_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KioskFollowupPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = kiosk_qr_decode_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->camera == NULL)
    return;
  self->decoding = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED))
    {
      g_message ("Camera: %s", error->message);
      kiosk_followup_page_stop_camera (self);
      gtk_label_set_label (self->lookup_error, _("The camera cannot read codes now. Please type the number and the code instead."));
      gtk_widget_set_visible (GTK_WIDGET (self->lookup_error), TRUE);
      kiosk_followup_page_set_state (self, "lookup");
      return;
    }
  if (text == NULL)
    return;   /* nothing readable yet (or the reader stopped: it restarts): the next frame is tried */
  /* A receipt's address opens the dossier (the page, reset, stops the camera). */
  if (!kiosk_followup_page_open_url (self, text))
    {
      gtk_label_set_label (self->lookup_error, _("This square code is not the one of a receipt. Show the code printed on your receipt."));
      gtk_widget_set_visible (GTK_WIDGET (self->lookup_error), TRUE);
    }
  explicit_bzero (text, strlen (text));
}

static void
camera_frame_cb (KioskCamera       *camera,
                 KioskFollowupPage *self)
{
  g_autoptr(KioskImage) preview = kiosk_camera_dup_preview (camera);
  g_autoptr(GdkTexture) texture = preview ? kiosk_texture_new_for_image (preview) : NULL;
  KioskImage *frame;

  gtk_picture_set_paintable (self->camera_picture, GDK_PAINTABLE (texture));
  if (self->decoding || (frame = kiosk_camera_capture (camera)) == NULL)
    return;
  self->decoding = TRUE;
  self->camera_frames++;
  kiosk_qr_decode_async (frame, self->camera_cancellable, decoded_cb, g_object_ref (self));
}

static void
camera_failed_cb (KioskCamera       *camera,
                  KioskFollowupPage *self)
{
  kiosk_followup_page_stop_camera (self);
  gtk_label_set_label (self->lookup_error, _("The camera does not answer. Please type the number and the code instead."));
  gtk_widget_set_visible (GTK_WIDGET (self->lookup_error), TRUE);
  kiosk_followup_page_set_state (self, "lookup");
}

static void
camera_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskFollowupPage *self = KIOSK_FOLLOWUP_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->camera != NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->lookup_error), FALSE);
  self->camera = kiosk_camera_new ();
  self->camera_cancellable = g_cancellable_new ();
  self->camera_frames = 0;
  g_signal_connect (self->camera, "frame", G_CALLBACK (camera_frame_cb), self);
  g_signal_connect (self->camera, "failed", G_CALLBACK (camera_failed_cb), self);
  if (!kiosk_camera_start (self->camera, &error))
    {
      g_message ("Camera: %s", error->message);
      camera_failed_cb (self->camera, self);
      return;
    }
  gtk_widget_set_visible (self->camera_button, FALSE);
  gtk_widget_set_visible (self->camera_box, TRUE);
  kiosk_followup_page_set_state (self, "camera");
}

static void
camera_stop_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KioskFollowupPage *self = KIOSK_FOLLOWUP_PAGE (widget);

  kiosk_followup_page_stop_camera (self);
  kiosk_followup_page_set_state (self, "lookup");
}

void
kiosk_followup_page_class_init_camera (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "followup.camera", NULL, camera_action_cb);
  gtk_widget_class_install_action (widget_class, "followup.camera-stop", NULL, camera_stop_action_cb);
}
