/* kiosk-types.h: shared forward declarations and helpers of the UI layer. */
#pragma once

#include <adwaita.h>

#include "kiosk-context.h"
#include "kiosk-errors.h"

G_BEGIN_DECLS

typedef struct _KioskWindow KioskWindow;

/* The names of the window's pages, used with the win.show-page action and by tests. */
#define KIOSK_PAGE_WELCOME   "welcome"
#define KIOSK_PAGE_CATALOGUE "catalogue"
#define KIOSK_PAGE_PROCEDURE "procedure"
#define KIOSK_PAGE_FORM      "form"
#define KIOSK_PAGE_DOCUMENTS "documents"
#define KIOSK_PAGE_REVIEW    "review"
#define KIOSK_PAGE_SUBMIT    "submit"
#define KIOSK_PAGE_RECEIPT   "receipt"
#define KIOSK_PAGE_PRIVACY   "privacy"
#define KIOSK_PAGE_APPOINTMENT "appointment"
#define KIOSK_PAGE_ARRIVAL   "arrival"
#define KIOSK_PAGE_AGENT     "agent"
#define KIOSK_PAGE_SIGN_IN   "sign-in"
#define KIOSK_PAGE_MY_REQUESTS "my-requests"
#define KIOSK_PAGE_CONSENT   "consent"
#define KIOSK_PAGE_DRAFT     "draft"
#define KIOSK_PAGE_FOLLOWUP  "followup"
#define KIOSK_N_PAGES        17

GdkTexture *kiosk_texture_new_for_image (const KioskImage *image);
guint       kiosk_count_steps           (KioskProcedure   *procedure);
void        kiosk_widget_remove_all     (GtkWidget        *box);
/* A choice of a form: a check box, or a radio button (for screen readers too); kiosk-a11y.c */
GtkWidget  *kiosk_choice_button_new     (const char       *label,
                                         gboolean          radio);
void        kiosk_widget_forget_text    (GtkWidget        *root);
void        kiosk_stack_label_pages     (GtkStack         *stack);
void        kiosk_widget_run_after_first_frame (GtkWidget      *widget,
                                                GSourceFunc     func,
                                                gpointer        data,
                                                GDestroyNotify  destroy);
void        kiosk_print_text            (GtkPrintContext  *context,
                                         const char       *text,
                                         const char       *font,
                                         double           *y);
gboolean    kiosk_print_one_page        (const char       *job_name,
                                         GCallback         draw_page,
                                         gpointer          data,
                                         const char       *export_pdf);
void        kiosk_toast_print_result    (GtkWidget        *widget,
                                         gboolean          printed,
                                         const char       *done,
                                         const char       *failed);
void        kiosk_print_qr              (cairo_t          *cr,
                                         const char       *text,
                                         double           size,
                                         double           *y);

G_END_DECLS
