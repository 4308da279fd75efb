/* kiosk-camera-view.c: what the camera sees, the document's name, "Cancel"
 * (documents.camera-cancel) and "Take the photo" (documents.camera-take). */
#include "kiosk-camera-view.h"

#include "kiosk-types.h"

struct _KioskCameraView
{
  GtkBox      parent_instance;

  GtkLabel   *title_label;
  GtkPicture *picture;
  GtkWidget  *buttons;
};

G_DEFINE_FINAL_TYPE (KioskCameraView, kiosk_camera_view, GTK_TYPE_BOX)

/* @frame: (nullable): the latest preview, or %NULL before the first */
void
kiosk_camera_view_set_frame (KioskCameraView  *self,
                             const KioskImage *frame)
{
  g_autoptr(GdkTexture) texture = frame ? kiosk_texture_new_for_image (frame) : NULL;

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

/* With larger text, the buttons stand one under the other (as the window does on a change). */
static void
kiosk_camera_view_root (GtkWidget *widget)
{
  KioskCameraView *self = KIOSK_CAMERA_VIEW (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (kiosk_camera_view_parent_class)->root (widget);
  root = gtk_widget_get_root (widget);
  if (gtk_widget_has_css_class (GTK_WIDGET (root), "large-text"))
    gtk_orientable_set_orientation (GTK_ORIENTABLE (self->buttons), GTK_ORIENTATION_VERTICAL);
}

static void
kiosk_camera_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_CAMERA_VIEW);
  G_OBJECT_CLASS (kiosk_camera_view_parent_class)->dispose (object);
}

static void
kiosk_camera_view_class_init (KioskCameraViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kiosk_camera_view_dispose;
  widget_class->root = kiosk_camera_view_root;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-camera-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskCameraView, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskCameraView, picture);
  gtk_widget_class_bind_template_child (widget_class, KioskCameraView, buttons);
}

static void
kiosk_camera_view_init (KioskCameraView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* @title: the document's name */
GtkWidget *
kiosk_camera_view_new (const char *title)
{
  KioskCameraView *self = g_object_new (KIOSK_TYPE_CAMERA_VIEW, NULL);

  gtk_label_set_label (self->title_label, title);
  return GTK_WIDGET (self);
}
