/* skin: the spectral layered model of the scalp and the carbon ink, per wavelength (400-700 nm).
 * Turns skin parameters (Fitzpatrick type -> epidermal melanin, blood volume and saturation per dermal layer,
 * scalp layer thicknesses, an optional ink slab) into a top-to-bottom stack of layers with the optical
 * properties the Monte Carlo engine takes (n, mu_a, mu_s, g, thickness), plus a crude diffusion-theory
 * reflectance for sanity checks. Sources: Jacques 2013 (scattering power laws, melanin, blood), the OMLC
 * skin-optics formulas, Prahl's haemoglobin table; every number and each assumption is listed with its
 * source tag in docs/optics-model.md. Plain C, no state, no allocation, no printing.
 *
 *     optics_skin_params p;
 *     optics_skin_params_default(3, &p);
 *     p.ink_top_cm = 0.03; p.ink_thickness_cm = 0.01;            (an SMP dot 0.3-0.4 mm deep)
 *     optics_layer_props layers[OPTICS_SKIN_MAX_LAYERS];
 *     int count = optics_skin_layers(&p, 550.0, layers, OPTICS_SKIN_MAX_LAYERS);   (-1 on bad input)
 */
#ifndef SMP_OPTICS_SKIN_H
#define SMP_OPTICS_SKIN_H

#include <stdbool.h>

#include "core/core.h"

#define OPTICS_SKIN_MIN_NM 400.0
#define OPTICS_SKIN_MAX_NM 700.0
#define OPTICS_SKIN_BAND_COUNT 16     /* bands of the colour helpers: 400, 420, ..., 700 nm */
#define OPTICS_SKIN_MAX_LAYERS 16     /* enough for 5 tissue layers each split around an ink slab */
#define OPTICS_SEMI_INFINITE_CM 1.0e8 /* the MCML convention for a semi-infinite layer (optics.md 1.2) */

typedef enum optics_layer_kind {
    OPTICS_LAYER_STRATUM_CORNEUM = 0,
    OPTICS_LAYER_EPIDERMIS,        /* living epidermis, carries the melanin */
    OPTICS_LAYER_PAPILLARY_DERMIS, /* with the superficial vascular plexus */
    OPTICS_LAYER_RETICULAR_DERMIS,
    OPTICS_LAYER_SUBCUTIS,
} optics_layer_kind;

/* One layer of a stack, top to bottom. Lengths in cm, coefficients in 1/cm. */
typedef struct optics_layer_props {
    double n, mu_a_per_cm, mu_s_per_cm, g, thickness_cm;
    optics_layer_kind kind; /* the tissue the layer belongs to */
    bool inked;             /* the layer is (part of) the ink slab: ink coefficients are included */
} optics_layer_props;

/* Carbon ink deposit. Its absorption spectrum is not in the literature we hold: see docs/optics-model.md. */
typedef struct optics_ink_params {
    double carbon_volume_fraction; /* carbon volume per volume of a 0.1 mm deposit of neat ink, 0..0.5 */
    double dilution;               /* total volume per volume of neat ink, >= 1 (1 neat; SMP greys 20-30) */
    double scattering_albedo;      /* mu_s / (mu_a + mu_s) of the deposit, 0..0.99 */
    double g;                      /* anisotropy of the ink particles, 0..0.99 */
} optics_ink_params;

typedef struct optics_skin_params {
    int fitzpatrick;                /* 1..6, informational once the fractions below are set */
    double melanin_volume_fraction; /* epidermal melanosome volume fraction, 0..0.5 */
    double eumelanin_fraction;      /* share of eumelanin in the melanosomes (rest pheomelanin), 0..1 */
    double stratum_corneum_cm, epidermis_cm, papillary_dermis_cm, reticular_dermis_cm, subcutis_cm;
    double papillary_blood_fraction, papillary_saturation; /* blood volume fraction 0..0.1, SO2 0..1 */
    double reticular_blood_fraction, reticular_saturation;
    double subcutis_blood_fraction, subcutis_saturation;
    double
        dermis_scattering_scale; /* multiplies the dermis' reduced scattering (Salomatina's law), 0.25..4 */
    optics_ink_params ink;
    double ink_top_cm;       /* depth of the top of the ink slab below the surface, >= 0 */
    double ink_thickness_cm; /* 0 = no ink layer */
} optics_skin_params;

/* Defaults for a Fitzpatrick type (1..6): melanin by the documented assumption, scalp thicknesses, blood,
 * no ink (ink parameters set to the neat-ink defaults, thickness 0). SMP_ERR_INPUT for a type outside 1..6
 * (out is then filled for the nearest type). */
smp_status optics_skin_params_default(int fitzpatrick, optics_skin_params *out);
void optics_ink_params_default(optics_ink_params *out); /* neat carbon ink, the documented assumptions */
/* SMP_ERR_INPUT with "skin: <field>: <value>, must be ..." when a field is out of range. */
smp_status optics_skin_params_validate(const optics_skin_params *p, smp_error *err);

/* The layer stack at one wavelength (400-700 nm) into out (caller's storage, max entries); returns the
 * number of layers, or -1 if p is invalid, the wavelength is outside 400-700 nm or max is too small. */
int optics_skin_layers(const optics_skin_params *p, double wavelength_nm, optics_layer_props *out, int max);

/* Component spectra, 1/cm unless stated (wavelength 400-700 nm; held at the end values outside). */
double optics_melanosome_mu_a_per_cm(double wavelength_nm, double eumelanin_fraction);
double optics_skin_baseline_mu_a_per_cm(double wavelength_nm); /* bloodless, melanin-free tissue */
void optics_haemoglobin_epsilon(double wavelength_nm, double *oxy_per_cm_per_molar,
                                double *deoxy_per_cm_per_molar);
double optics_blood_mu_a_per_cm(double wavelength_nm, double saturation); /* whole blood, 150 g/L */
double optics_layer_mu_s_reduced_per_cm(optics_layer_kind kind, double wavelength_nm); /* tissue alone */
/* Ink coefficients at one wavelength; any output pointer may be NULL. */
void optics_ink_coefficients(const optics_ink_params *ink, double wavelength_nm, double *mu_a_per_cm,
                             double *mu_s_per_cm, double *g);

/* Total diffuse reflectance of a semi-infinite medium, dipole diffusion theory integrated over the surface
 * (no specular part, no entry loss); n_rel = index of the medium over that of the outside. */
double optics_diffusion_reflectance(double mu_a_per_cm, double mu_s_reduced_per_cm, double n_rel);
/* Crude skin reflectance at one wavelength: the layers above the dermis as absorbing filters over a
 * semi-infinite dermis with thickness-averaged properties, times the Fresnel entry loss. -1 on bad input. */
double optics_skin_reflectance_diffusion(const optics_skin_params *p, double wavelength_nm);
void optics_skin_bands_nm(double band_nm[OPTICS_SKIN_BAND_COUNT]); /* 400, 420, ..., 700 */
/* The colour of that reflectance under D65 (16 bands), XYZ with white Y = 1. */
smp_status optics_skin_xyz_diffusion(const optics_skin_params *p, double xyz[3], smp_error *err);
/* Erythema (redness) as an optical density per linear sRGB channel: ln(R_normal / R_red) of skin type
 * fitzpatrick whose superficial dermal blood is (1 + extra_blood) x normal (the papillary dermis; the
 * reticular by half that), from the diffusion model above. The ratio, not the crude model's absolute colour,
 * is what the renderer applies to the baked skin colour. Negative entries (a channel that brightens) are
 * kept. */
smp_status optics_skin_erythema_density(int fitzpatrick, double extra_blood, double density[3],
                                        smp_error *err);

#endif
