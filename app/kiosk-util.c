/* kiosk-util.c: small helpers shared by the pages. */
#include "kiosk-types.h"

/**
 * kiosk_texture_new_for_image:
 *
 * Returns: (transfer full): a texture showing @image (RGB, 8 bits)
 */
GdkTexture *
kiosk_texture_new_for_image (const KioskImage *image)
{
  return gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_R8G8B8,
                                 image->pixels, (gsize) image->width * 3);
}

/* Form pages, then one step for documents when the procedure asks for some, then the review. */
guint
kiosk_count_steps (KioskProcedure *procedure)
{
  return kiosk_procedure_get_n_pages (procedure)
         + (kiosk_procedure_get_n_documents (procedure) > 0 ? 1 : 0) + 1;
}

void
kiosk_widget_remove_all (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_BOX (box))
        gtk_box_remove (GTK_BOX (box), child);
      else if (GTK_IS_FLOW_BOX (box))
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
      else if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_widget_unparent (child);
    }
}
