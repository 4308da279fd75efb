/* kiosk-crop-view.c: a scan large with the frame to drag (KioskCropArea), the document's name,
 * and its buttons as actions: documents.edit-turn, -reset, -cancel, -apply. */
#include "kiosk-crop-view.h"

struct _KioskCropView
{
  GtkBox         parent_instance;

  GtkLabel      *title_label;
  KioskCropArea *crop_area;
  GtkWidget     *buttons;
};

G_DEFINE_FINAL_TYPE (KioskCropView, kiosk_crop_view, GTK_TYPE_BOX)

/* Returns: (transfer none): the frame the citizen drags */
KioskCropArea *
kiosk_crop_view_get_area (KioskCropView *self)
{
  return self->crop_area;
}

/* With larger text, the buttons stand one under the other (as the window does on a change). */
static void
kiosk_crop_view_root (GtkWidget *widget)
{
  KioskCropView *self = KIOSK_CROP_VIEW (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (kiosk_crop_view_parent_class)->root (widget);
  root = gtk_widget_get_root (widget);
  if (gtk_widget_has_css_class (GTK_WIDGET (root), "large-text"))
    gtk_orientable_set_orientation (GTK_ORIENTABLE (self->buttons), GTK_ORIENTATION_VERTICAL);
}

static void
kiosk_crop_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_CROP_VIEW);
  G_OBJECT_CLASS (kiosk_crop_view_parent_class)->dispose (object);
}

static void
kiosk_crop_view_class_init (KioskCropViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kiosk_crop_view_dispose;
  widget_class->root = kiosk_crop_view_root;
  g_type_ensure (KIOSK_TYPE_CROP_AREA);
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-crop-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskCropView, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskCropView, crop_area);
  gtk_widget_class_bind_template_child (widget_class, KioskCropView, buttons);
}

static void
kiosk_crop_view_init (KioskCropView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* @title: the document's name */
GtkWidget *
kiosk_crop_view_new (const char *title)
{
  KioskCropView *self = g_object_new (KIOSK_TYPE_CROP_VIEW, NULL);

  gtk_label_set_label (self->title_label, title);
  return GTK_WIDGET (self);
}
