/* kiosk-test-util.h: helpers for tests that drive the real window against the reference portal
 * over loopback and the SANE test backend. */
#pragma once

#include "kiosk-window.h"

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char        *url;
  char        *data_dir;
} KioskTestPortal;

KioskTestPortal *kiosk_test_portal_start   (void);
KioskTestPortal *kiosk_test_portal_start_with (const char * const *extra);
void             kiosk_test_portal_stop    (KioskTestPortal *portal);
JsonObject      *kiosk_test_portal_get     (KioskTestPortal *portal,
                                            const char      *path);
void             kiosk_test_portal_post    (KioskTestPortal *portal,
                                            const char      *path,
                                            const char      *json);

char            *kiosk_test_http           (const char      *method,
                                            const char      *url,
                                            const char      *body,
                                            long            *status);

void             kiosk_test_remove_tree    (const char      *path);

typedef gboolean (*KioskTestCondition) (gpointer data);
gboolean         kiosk_test_wait           (KioskTestCondition condition,
                                            gpointer         data,
                                            guint            timeout_ms);
void             kiosk_test_wait_for_page  (KioskWindow     *window,
                                            const char      *name);
GtkWidget       *kiosk_test_find           (KioskWindow     *window,
                                            const char      *name);
GtkWidget       *kiosk_test_wait_clickable (KioskWindow     *window,
                                            const char      *name);
void             kiosk_test_click          (KioskWindow     *window,
                                            const char      *name);
void             kiosk_test_type           (KioskWindow     *window,
                                            const char      *name,
                                            const char      *text);
const char      *kiosk_test_label          (KioskWindow     *window,
                                            const char      *name);
void             kiosk_test_spin           (guint            ms);

KioskContext    *kiosk_test_context_new    (const char      *portal_url,
                                            const char      *data_dir);
KioskContext    *kiosk_test_context_new_with_catalogue (const char *portal_url,
                                                        const char *data_dir,
                                                        const char *catalogue);
void             kiosk_test_setup_locale   (const char      *language);
GdkTexture      *kiosk_test_render         (GtkWidget       *widget);
void             kiosk_test_wait_widget_drawn (GtkWidget    *widget);
GtkWidget       *kiosk_test_wait_drawn     (KioskWindow     *window,
                                            const char      *name);
GdkTexture      *kiosk_test_render_settled (GtkWidget       *widget);
void             kiosk_test_save_png       (GtkWidget       *widget,
                                            const char      *path);
void             kiosk_test_screenshot     (KioskWindow     *window,
                                            const char      *name);

void             kiosk_test_complete_dossier (KioskDossier *dossier);
void             kiosk_test_fill_dossier     (KioskDossier *dossier);
void             kiosk_test_press_keys       (KioskWindow  *window,
                                              const char   *keys);
void             kiosk_test_drag           (KioskWindow     *window,
                                            GtkWidget       *widget,
                                            double           from_x,
                                            double           from_y,
                                            double           to_x,
                                            double           to_y);
GtkWidget       *kiosk_test_find_prefixed    (GtkWidget    *widget,
                                              const char   *prefix);
void             kiosk_test_wait_for_appointment_step (KioskWindow *window,
                                                       const char  *name);
gboolean         kiosk_test_outbox_is_empty  (KioskContext *context);
gboolean         kiosk_test_wait_outbox_empty (KioskContext *context,
                                               guint         timeout_ms);
const char      *kiosk_test_valid_answer     (const KioskField *field);

GtkWidget       *kiosk_test_find_toplevel    (const char   *name);
void             kiosk_test_answer_dialog    (const char   *name,
                                              const char   *label);
void             kiosk_test_finish_session   (KioskWindow  *window);

gboolean         kiosk_test_revealed_cb    (gpointer         data);
gboolean         kiosk_test_hidden_cb      (gpointer         data);

G_END_DECLS
