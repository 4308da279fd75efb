/* kiosk-scanner.h: the scanner service. Requests reach its thread through a queue; each scan runs
 * in a kiosk-scan-helper process (the only place SANE is loaded); results come back as GTask
 * results on the caller's main context. */
#pragma once

#include "kiosk-document.h"

G_BEGIN_DECLS

typedef struct
{
  guint    dpi;
  gboolean color;
  gboolean duplex;   /* a feeder batch: both sides of each sheet, where the feeder can */
  int      jpeg_quality;   /* > 0: one page encoded as it comes (kiosk_scanner_scan_jpeg_finish()) */
} KioskScanOptions;

typedef struct
{
  char *name;
  char *vendor;
  char *model;
} KioskScannerDevice;

void kiosk_scanner_device_free (KioskScannerDevice *device);

/* Called on the caller's main context, at most ~10 times a second; fraction in [0, 1]; @partial
 * (nullable: a hand-scanner's page, whose height is not known) is the page so far, at most 360
 * pixels a side, white where the scanner has not been yet, valid during the call only. */
typedef void (*KioskScanProgress) (double            fraction,
                                   const KioskImage *partial,
                                   gpointer          user_data);

/* One page of a feeder batch, on the caller's main context; the callee owns @image. */
typedef void (*KioskScanPageFunc) (KioskImage *image,
                                   gpointer    user_data);

#define KIOSK_TYPE_SCANNER (kiosk_scanner_get_type ())
G_DECLARE_FINAL_TYPE (KioskScanner, kiosk_scanner, KIOSK, SCANNER, GObject)

KioskScanner *kiosk_scanner_new          (const char             *device);
void          kiosk_scanner_scan_async   (KioskScanner           *self,
                                          const KioskScanOptions *options,
                                          KioskScanProgress       progress,
                                          gpointer                progress_data,
                                          GCancellable           *cancellable,
                                          GAsyncReadyCallback     callback,
                                          gpointer                user_data);
KioskImage   *kiosk_scanner_scan_finish  (KioskScanner           *self,
                                          GAsyncResult           *result,
                                          GError                **error);
KioskScan    *kiosk_scanner_scan_jpeg_finish (KioskScanner       *self,
                                              GAsyncResult       *result,
                                              GError            **error);
void          kiosk_scanner_scan_batch_async  (KioskScanner           *self,
                                               const KioskScanOptions *options,
                                               KioskScanPageFunc       page_func,
                                               gpointer                page_data,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
gssize        kiosk_scanner_scan_batch_finish (KioskScanner           *self,
                                               GAsyncResult           *result,
                                               GError                **error);
char         *kiosk_scanner_dup_device_name (KioskScanner        *self);
void          kiosk_scanner_set_extra_options (KioskScanner      *self,
                                               const char * const *options);
void          kiosk_scanner_set_device      (KioskScanner        *self,
                                             const char          *device);
void          kiosk_scanner_list_devices_async  (KioskScanner        *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray    *kiosk_scanner_list_devices_finish (KioskScanner        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void          kiosk_scanner_list_sources_async  (KioskScanner        *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GStrv         kiosk_scanner_list_sources_finish (KioskScanner        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
gboolean      kiosk_scanner_sources_have_duplex (const char * const  *sources);
void          kiosk_scanner_set_watchdog    (KioskScanner        *self,
                                             guint                timeout_ms);

G_END_DECLS
