/* kiosk-usb-picker.c: the documents found on a USB stick, each a button with its name and size
 * (action documents.usb-file with the file's index), then "Cancel" (documents.usb-cancel). */
#include "kiosk-usb-picker.h"

#include "kiosk-import.h"

#include <glib/gi18n.h>

/* The most files offered: a stick can hold thousands. */
#define MAX_FILES 50

struct _KioskUsbPicker
{
  GtkBox     parent_instance;

  GtkWidget *files_box;
};

G_DEFINE_FINAL_TYPE (KioskUsbPicker, kiosk_usb_picker, GTK_TYPE_BOX)

/**
 * kiosk_usb_picker_set_files:
 * @files: (element-type KioskUsbFile): the stick's documents
 */
void
kiosk_usb_picker_set_files (KioskUsbPicker *self,
                            GPtrArray      *files)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->files_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->files_box), child);
  for (guint i = 0; files != NULL && i < files->len && i < MAX_FILES; i++)
    {
      KioskUsbFile *file = g_ptr_array_index (files, i);
      g_autofree char *size = g_format_size (file->size);
      /* TRANSLATORS: a file on a USB stick and its size, e.g. "payslip.pdf — 1.2 MB" */
      g_autofree char *text = g_strdup_printf (_("%s — %s"), file->name, size);
      g_autofree char *name = g_strdup_printf ("usb-file-%u", i);
      GtkWidget *button = gtk_button_new_with_label (text);

      gtk_widget_set_name (button, name);
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_add_css_class (button, "kiosk-nav");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "documents.usb-file");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", i);
      gtk_box_append (GTK_BOX (self->files_box), button);
    }
}

static void
kiosk_usb_picker_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_USB_PICKER);
  G_OBJECT_CLASS (kiosk_usb_picker_parent_class)->dispose (object);
}

static void
kiosk_usb_picker_class_init (KioskUsbPickerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kiosk_usb_picker_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-usb-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskUsbPicker, files_box);
}

static void
kiosk_usb_picker_init (KioskUsbPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kiosk_usb_picker_new (void)
{
  return g_object_new (KIOSK_TYPE_USB_PICKER, NULL);
}
