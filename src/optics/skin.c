/* skin: spectral layered scalp model and carbon ink. Every constant is tagged in docs/optics-model.md;
 * the comments here name the source of each formula. */
#include "skin.h"

#include <math.h>

#include "colour.h"

/* Haemoglobin molar extinction (cm^-1 / M), Prahl's compilation as tabulated in references/optics.md 2.2
 * (Gianno91/Tissue_optical_prop "Extinction coeff_HbO2_HHb.txt"). Irregular grid: linear interpolation. */
static const double hb_nm[] = {400, 414, 420, 430, 440, 460, 480, 500, 520, 540,
                               542, 560, 576, 580, 600, 620, 640, 660, 680, 700};
static const double hb_oxy[] = {266232,  524280,  480360, 246072, 102580,  44480, 26629.2,
                                20932.8, 24202.4, 53236,  53292,  32613.2, 55540, 50104,
                                3200,    942,     442,    319.6,  277.6,   290};
static const double hb_deoxy[] = {223296,  342596,  407560, 528600,  413280,  23388.8, 14550,
                                  20862,   31589.6, 46592,  48148,   53788,   40092,   37020,
                                  14677.2, 6509.6,  4345.2, 3226.56, 2407.92, 1794.28};
#define HB_COUNT ((int)(sizeof hb_nm / sizeof hb_nm[0]))

/* Whole blood: mu_a = eps * ln(10) * 150 g/L / 64458 g/mol (Jacques 2013 section 5; optics.md 2.2 notes the
 * PDF's misprint 0.0536 and the consistent 0.005358). */
static const double blood_per_epsilon = 2.302585092994046 * 150.0 / 64458.0;

/* Fitzpatrick -> epidermal melanosome volume fraction: CALIBRATED (docs/optics-model.md section 2). Each
 * type's Monte Carlo colour (optics_skin_appearance) is placed in the middle of the ITA class that type has
 * in Del Bino et al. 2006 / Chardon et al. 1991 (I 60, II 48, III 34.5, IV 19, V -10, VI -45 degrees) by
 * bisection on the fraction, then rounded. */
static const double melanin_by_type[6] = {0.001, 0.010, 0.022, 0.041, 0.094, 0.21};

/* Reduced scattering power laws mu_s' = a (lambda/500)^-b, Jacques 2013 Table 1 (Eq. 1):
 * epidermis and dermis from Salomatina 2006, subcutaneous fat from Simpson 1998. */
typedef struct power_law {
    double a_per_cm, b;
} power_law;
static const power_law scatter_epidermis = {68.7, 1.161};
static const power_law scatter_dermis = {45.3, 1.292};
static const power_law scatter_fat = {13.7, 0.385};

/* Anisotropy 0.9 in every tissue layer (Jacques 2013: g mostly > 0.9 in the visible; mcxyz uses 0.90). */
static const double tissue_g = 0.90;

/* Refractive index, Jacques 2013 Eq. 3: n = n_dry - (n_dry - n_water) W, n_dry 1.50, n_water 1.33. */
static double index_from_water(double water_fraction)
{
    return 1.50 - (1.50 - 1.33) * water_fraction;
}

static double clamp_nm(double wavelength_nm)
{
    return smp_clamp(wavelength_nm, OPTICS_SKIN_MIN_NM, OPTICS_SKIN_MAX_NM);
}

/* OMLC skin optics (Jacques 1998) as quoted in optics.md 2.2: eumelanosome 6.6e11 lambda^-3.33,
 * pheomelanosome 2.9e15 lambda^-4.75. */
double optics_melanosome_mu_a_per_cm(double wavelength_nm, double eumelanin_fraction)
{
    double l = clamp_nm(wavelength_nm);
    double eu = 6.6e11 * pow(l, -3.33), pheo = 2.9e15 * pow(l, -4.75);
    return eumelanin_fraction * eu + (1.0 - eumelanin_fraction) * pheo;
}

/* OMLC skin baseline: 0.244 + 85.3 exp(-(lambda - 154)/66.2). */
double optics_skin_baseline_mu_a_per_cm(double wavelength_nm)
{
    double l = clamp_nm(wavelength_nm);
    return 0.244 + 85.3 * exp(-(l - 154.0) / 66.2);
}

void optics_haemoglobin_epsilon(double wavelength_nm, double *oxy_per_cm_per_molar,
                                double *deoxy_per_cm_per_molar)
{
    double l = clamp_nm(wavelength_nm);
    int i = 0;
    while (i < HB_COUNT - 2 && l > hb_nm[i + 1])
        i++;
    double t = (l - hb_nm[i]) / (hb_nm[i + 1] - hb_nm[i]);
    if (oxy_per_cm_per_molar) *oxy_per_cm_per_molar = smp_mix(hb_oxy[i], hb_oxy[i + 1], t);
    if (deoxy_per_cm_per_molar) *deoxy_per_cm_per_molar = smp_mix(hb_deoxy[i], hb_deoxy[i + 1], t);
}

double optics_blood_mu_a_per_cm(double wavelength_nm, double saturation)
{
    double oxy, deoxy;
    optics_haemoglobin_epsilon(wavelength_nm, &oxy, &deoxy);
    return blood_per_epsilon * (saturation * oxy + (1.0 - saturation) * deoxy);
}

double optics_layer_mu_s_reduced_per_cm(optics_layer_kind kind, double wavelength_nm)
{
    const power_law *law = &scatter_dermis;
    if (kind == OPTICS_LAYER_STRATUM_CORNEUM || kind == OPTICS_LAYER_EPIDERMIS)
        law = &scatter_epidermis;
    else if (kind == OPTICS_LAYER_SUBCUTIS)
        law = &scatter_fat;
    return law->a_per_cm * pow(clamp_nm(wavelength_nm) / 500.0, -law->b);
}

/* Carbon ink (docs/optics-model.md, "Carbon ink"): the mass absorption cross-section of black carbon,
 * 7.5 m²/g at 550 nm (Bond & Bergstrom 2006, Aerosol Sci Technol 40:27; You et al. 2016 measure 7.89), with
 * absorption Angstrom exponent 1 (1/lambda; You et al. 2016: 1.03), times the density of black carbon
 * 1.8 g/cm³ (Bond & Bergstrom 2006): per unit carbon volume fraction 7.5e4 cm²/g * 1.8 g/cm³ * 550/500 at
 * 500 nm. Scattering a fixed share (albedo) of the extinction (assumption). */
static const double ink_mu_a_per_volume_fraction_500 = 7.5e4 * 1.8 * 550.0 / 500.0;

void optics_ink_coefficients(const optics_ink_params *ink, double wavelength_nm, double *mu_a_per_cm,
                             double *mu_s_per_cm, double *g)
{
    double f = ink->carbon_volume_fraction / ink->dilution;
    double mu_a = f * ink_mu_a_per_volume_fraction_500 * 500.0 / clamp_nm(wavelength_nm);
    if (mu_a_per_cm) *mu_a_per_cm = mu_a;
    if (mu_s_per_cm) *mu_s_per_cm = mu_a * ink->scattering_albedo / (1.0 - ink->scattering_albedo);
    if (g) *g = ink->g;
}

void optics_ink_params_default(optics_ink_params *out)
{
    /* Neat tattoo ink: Engel et al. 2008's mean injected load, 2.53 mg/cm² of pigment, in a 0.1 mm deposit of
     * black carbon (1.8 g/cm³): 2.53e-3 / (0.01 * 1.8) = 0.1406 by volume. SMP dilutes it 20-30 times
     * (ISHRS Forum 26(3):85; artists' charts): the default takes the middle, 25 (docs/optics-model.md). */
    out->carbon_volume_fraction = 2.53e-3 / (0.01 * 1.8);
    out->dilution = 25.0;
    /* A pure absorber: tattoo carbon is almost all nanoparticles (< 100 nm, Hogsberg 2011), whose scattering
     * in tissue (index contrast far below air's) is small beside their absorption; it also lets the bake
     * reuse one set of photon paths for every ink (docs/optics-model.md §3). */
    out->scattering_albedo = 0.0;
    out->g = 0.6;
}

smp_status optics_skin_params_default(int fitzpatrick, optics_skin_params *out)
{
    int type = fitzpatrick < 1 ? 1 : (fitzpatrick > 6 ? 6 : fitzpatrick);
    *out = (optics_skin_params){0};
    out->fitzpatrick = type;
    out->melanin_volume_fraction = melanin_by_type[type - 1];
    out->eumelanin_fraction = 1.0;
    /* Scalp: epidermis 80 um (scalp 60-100 um [V]); stratum corneum 20 um (generic layered model);
     * epidermis + dermis 1.80 mm, between the ultrasound (1.71) and histometry (1.93) means of Sung 2025. */
    out->stratum_corneum_cm = 0.0020;
    out->epidermis_cm = 0.0060;
    out->papillary_dermis_cm = 0.0270;
    out->reticular_dermis_cm = 0.1450;
    out->subcutis_cm = OPTICS_SEMI_INFINITE_CM;
    /* Dermal blood 1.2 % / 0.5 % (published range 0.2-2 %): a calibration that gives intermediate skin its
     * measured redness (a* 7-8) and a narrower green and blue Rd(r) (docs/optics-model.md §1). */
    out->papillary_blood_fraction = 0.012;
    out->papillary_saturation = 0.60;
    out->reticular_blood_fraction = 0.005;
    out->reticular_saturation = 0.67;
    out->subcutis_blood_fraction = 0.005;
    out->subcutis_saturation = 0.67;
    out->dermis_scattering_scale = 1.0;
    optics_ink_params_default(&out->ink);
    out->ink_top_cm = 0.0;
    out->ink_thickness_cm = 0.0;
    return type == fitzpatrick ? SMP_OK : SMP_ERR_INPUT;
}

static smp_status check_range(const char *field, double value, double lo, double hi, smp_error *err)
{
    if (!(value >= lo && value <= hi))
        return smp_error_set(err, SMP_ERR_INPUT, "skin: %s: %g, must be between %g and %g", field, value, lo,
                             hi);
    return SMP_OK;
}

smp_status optics_skin_params_validate(const optics_skin_params *p, smp_error *err)
{
    if (p->fitzpatrick < 1 || p->fitzpatrick > 6)
        return smp_error_set(err, SMP_ERR_INPUT, "skin: fitzpatrick: %d, must be 1..6", p->fitzpatrick);
    const struct {
        const char *field;
        double value, lo, hi;
    } checks[] = {
        {"melanin_volume_fraction", p->melanin_volume_fraction, 0.0, 0.5},
        {"eumelanin_fraction", p->eumelanin_fraction, 0.0, 1.0},
        {"stratum_corneum_cm", p->stratum_corneum_cm, 0.0, 0.01},
        {"epidermis_cm", p->epidermis_cm, 1e-4, 0.05},
        {"papillary_dermis_cm", p->papillary_dermis_cm, 1e-4, 0.1},
        {"reticular_dermis_cm", p->reticular_dermis_cm, 1e-4, 0.5},
        {"subcutis_cm", p->subcutis_cm, 1e-4, OPTICS_SEMI_INFINITE_CM},
        {"papillary_blood_fraction", p->papillary_blood_fraction, 0.0, 0.1},
        {"papillary_saturation", p->papillary_saturation, 0.0, 1.0},
        {"reticular_blood_fraction", p->reticular_blood_fraction, 0.0, 0.1},
        {"reticular_saturation", p->reticular_saturation, 0.0, 1.0},
        {"subcutis_blood_fraction", p->subcutis_blood_fraction, 0.0, 0.1},
        {"subcutis_saturation", p->subcutis_saturation, 0.0, 1.0},
        {"dermis_scattering_scale", p->dermis_scattering_scale, 0.25, 4.0},
        {"ink.carbon_volume_fraction", p->ink.carbon_volume_fraction, 0.0, 0.5},
        {"ink.dilution", p->ink.dilution, 1.0, 1000.0},
        {"ink.scattering_albedo", p->ink.scattering_albedo, 0.0, 0.99},
        {"ink.g", p->ink.g, 0.0, 0.99},
        {"ink_top_cm", p->ink_top_cm, 0.0, 1.0},
        {"ink_thickness_cm", p->ink_thickness_cm, 0.0, 1.0},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        smp_status s = check_range(checks[i].field, checks[i].value, checks[i].lo, checks[i].hi, err);
        if (s != SMP_OK) return s;
    }
    return SMP_OK;
}

/* The tissue of one layer without ink. Absorption mixes follow Jacques 2013 Eq. 12 and the OMLC epidermis /
 * dermis formulas: mu_a = f * mu_a,chromophore + (1 - f) * baseline. Water is not added: its visible
 * absorption is part of the bloodless baseline. */
static optics_layer_props tissue_layer(const optics_skin_params *p, optics_layer_kind kind,
                                       double wavelength_nm)
{
    double baseline = optics_skin_baseline_mu_a_per_cm(wavelength_nm);
    optics_layer_props l = {.g = tissue_g, .kind = kind, .inked = false};
    switch (kind) {
    case OPTICS_LAYER_STRATUM_CORNEUM:
        /* Dry keratin: n_dry of Eq. 3; melanin dust in the horny layer is neglected. */
        l.n = index_from_water(0.0);
        l.mu_a_per_cm = baseline;
        l.thickness_cm = p->stratum_corneum_cm;
        break;
    case OPTICS_LAYER_EPIDERMIS: {
        double f = p->melanin_volume_fraction;
        l.n = index_from_water(0.75); /* W = 0.75 (mcxyz epidermis) */
        l.mu_a_per_cm =
            f * optics_melanosome_mu_a_per_cm(wavelength_nm, p->eumelanin_fraction) + (1.0 - f) * baseline;
        l.thickness_cm = p->epidermis_cm;
        break;
    }
    case OPTICS_LAYER_PAPILLARY_DERMIS:
    case OPTICS_LAYER_RETICULAR_DERMIS:
    case OPTICS_LAYER_SUBCUTIS: {
        double b = p->papillary_blood_fraction, s = p->papillary_saturation;
        l.thickness_cm = p->papillary_dermis_cm;
        if (kind == OPTICS_LAYER_RETICULAR_DERMIS) {
            b = p->reticular_blood_fraction;
            s = p->reticular_saturation;
            l.thickness_cm = p->reticular_dermis_cm;
        } else if (kind == OPTICS_LAYER_SUBCUTIS) {
            b = p->subcutis_blood_fraction;
            s = p->subcutis_saturation;
            l.thickness_cm = p->subcutis_cm;
        }
        /* W = 0.65 (Choudhury 2010 via Jacques 2013 Table 3); the subcutis index is not in our sources and is
         * set equal to the dermis (assumption) so no interface of unknown strength is invented. */
        l.n = index_from_water(0.65);
        l.mu_a_per_cm = b * optics_blood_mu_a_per_cm(wavelength_nm, s) + (1.0 - b) * baseline;
        break;
    }
    }
    l.mu_s_per_cm = optics_layer_mu_s_reduced_per_cm(kind, wavelength_nm) / (1.0 - l.g);
    if (kind == OPTICS_LAYER_PAPILLARY_DERMIS || kind == OPTICS_LAYER_RETICULAR_DERMIS)
        l.mu_s_per_cm *= p->dermis_scattering_scale;
    return l;
}

/* The ink adds to the host tissue: coefficients add, g is the scattering-weighted mean. Diluted SMP ink
 * displaces at most 0.6 % of the tissue volume at the defaults, so the tissue is not thinned. */
static void add_ink(optics_layer_props *l, const optics_ink_params *ink, double wavelength_nm)
{
    double mu_a, mu_s, g;
    optics_ink_coefficients(ink, wavelength_nm, &mu_a, &mu_s, &g);
    double mu_s_total = l->mu_s_per_cm + mu_s;
    if (mu_s_total > 0.0) l->g = (l->g * l->mu_s_per_cm + g * mu_s) / mu_s_total;
    l->mu_a_per_cm += mu_a;
    l->mu_s_per_cm = mu_s_total;
    l->inked = true;
}

int optics_skin_layers(const optics_skin_params *p, double wavelength_nm, optics_layer_props *out, int max)
{
    if (optics_skin_params_validate(p, NULL) != SMP_OK) return -1;
    if (!(wavelength_nm >= OPTICS_SKIN_MIN_NM && wavelength_nm <= OPTICS_SKIN_MAX_NM)) return -1;
    bool has_ink = p->ink_thickness_cm > 0.0 && p->ink.carbon_volume_fraction > 0.0;
    double ink_top = p->ink_top_cm, ink_bottom = p->ink_top_cm + p->ink_thickness_cm;
    /* Pieces thinner than this (10 nm) are rounding left-overs of the split, not layers. */
    const double min_piece_cm = 1e-6;
    int count = 0;
    double z0 = 0.0;
    for (int k = OPTICS_LAYER_STRATUM_CORNEUM; k <= OPTICS_LAYER_SUBCUTIS; k++) {
        optics_layer_props tissue = tissue_layer(p, (optics_layer_kind)k, wavelength_nm);
        double z1 = z0 + tissue.thickness_cm;
        if (tissue.thickness_cm <= 0.0) continue; /* a stratum corneum of 0 is allowed and skipped */
        /* Split the layer into the part above the ink, the inked part and the part below. */
        double cuts[4] = {z0, z1, z1, z1};
        if (has_ink) {
            cuts[1] = smp_clamp(ink_top, z0, z1);
            cuts[2] = smp_clamp(ink_bottom, z0, z1);
        }
        for (int piece = 0; piece < 3; piece++) {
            double thick = cuts[piece + 1] - cuts[piece];
            if (thick < min_piece_cm) continue;
            if (count >= max) return -1;
            out[count] = tissue;
            out[count].thickness_cm = thick;
            if (piece == 1) add_ink(&out[count], &p->ink, wavelength_nm);
            count++;
        }
        z0 = z1;
    }
    return count;
}

/* Dipole diffusion (Farrell, Patterson & Wilson 1992; Jensen et al. 2001, optics.md 4.4) integrated over the
 * surface, derived here: R = (a'/2) exp(-sqrt(3(1-a'))) (1 + exp(-(4/3) A sqrt(3(1-a')))), a' =
 * mu_s'/(mu_a+mu_s'), A = (1 + F_dr)/(1 - F_dr) with the F_dr fit of optics.md 4.4. */
double optics_diffusion_reflectance(double mu_a_per_cm, double mu_s_reduced_per_cm, double n_rel)
{
    double total = mu_a_per_cm + mu_s_reduced_per_cm;
    if (!(total > 0.0)) return 0.0;
    double albedo = mu_s_reduced_per_cm / total;
    double f_dr =
        n_rel >= 1.0 ? -1.440 / (n_rel * n_rel) + 0.710 / n_rel + 0.668 + 0.0636 * n_rel
                     : -0.4399 + 0.7099 / n_rel - 0.3319 / (n_rel * n_rel) + 0.0636 / (n_rel * n_rel * n_rel);
    double a = (1.0 + f_dr) / (1.0 - f_dr);
    double s = sqrt(3.0 * (1.0 - albedo));
    return 0.5 * albedo * exp(-s) * (1.0 + exp(-4.0 / 3.0 * a * s));
}

double optics_skin_reflectance_diffusion(const optics_skin_params *p, double wavelength_nm)
{
    optics_layer_props layers[OPTICS_SKIN_MAX_LAYERS];
    int count = optics_skin_layers(p, wavelength_nm, layers, OPTICS_SKIN_MAX_LAYERS);
    if (count < 1) return -1.0;
    /* Above the dermis: absorbing filters, one straight pass in and a diffuse pass out (mean path about twice
     * the thickness), their scattering ignored. From the papillary dermis to the bottom of the reticular
     * dermis: one medium with thickness-averaged mu_a and mu_s' (a crude stand-in for the layered transport
     * the Monte Carlo engine does). */
    double optical_depth = 0.0, sum_a = 0.0, sum_sr = 0.0, sum_d = 0.0, n_dermis = 1.0;
    for (int i = 0; i < count; i++) {
        const optics_layer_props *l = &layers[i];
        if (l->kind < OPTICS_LAYER_PAPILLARY_DERMIS) {
            optical_depth += 3.0 * l->mu_a_per_cm * l->thickness_cm;
        } else if (l->kind != OPTICS_LAYER_SUBCUTIS) {
            sum_a += l->mu_a_per_cm * l->thickness_cm;
            sum_sr += l->mu_s_per_cm * (1.0 - l->g) * l->thickness_cm;
            sum_d += l->thickness_cm;
            n_dermis = l->n;
        }
    }
    double n_top = layers[0].n;
    double r_specular = (n_top - 1.0) * (n_top - 1.0) / ((n_top + 1.0) * (n_top + 1.0));
    double r_dermis = optics_diffusion_reflectance(sum_a / sum_d, sum_sr / sum_d, n_dermis);
    return (1.0 - r_specular) * exp(-optical_depth) * r_dermis;
}

void optics_skin_bands_nm(double band_nm[OPTICS_SKIN_BAND_COUNT])
{
    for (int b = 0; b < OPTICS_SKIN_BAND_COUNT; b++)
        band_nm[b] =
            OPTICS_SKIN_MIN_NM + b * (OPTICS_SKIN_MAX_NM - OPTICS_SKIN_MIN_NM) / (OPTICS_SKIN_BAND_COUNT - 1);
}

smp_status optics_skin_xyz_diffusion(const optics_skin_params *p, double xyz[3], smp_error *err)
{
    smp_status s = optics_skin_params_validate(p, err);
    if (s != SMP_OK) return s;
    double band_nm[OPTICS_SKIN_BAND_COUNT], refl[OPTICS_SKIN_BAND_COUNT];
    optics_skin_bands_nm(band_nm);
    for (int b = 0; b < OPTICS_SKIN_BAND_COUNT; b++)
        refl[b] = optics_skin_reflectance_diffusion(p, band_nm[b]);
    return optics_reflectance_to_xyz(band_nm, refl, OPTICS_SKIN_BAND_COUNT, xyz, err);
}

smp_status optics_skin_erythema_density(int fitzpatrick, double extra_blood, double density[3],
                                        smp_error *err)
{
    density[0] = density[1] = density[2] = 0.0;
    optics_skin_params normal, red;
    smp_status s = optics_skin_params_default(fitzpatrick, &normal);
    if (s != SMP_OK) return smp_error_set(err, s, "optics: skin type %d is not 1..6", fitzpatrick);
    red = normal;
    /* Erythema is the superficial plexus filling: the papillary dermis and, less, the upper reticular. */
    red.papillary_blood_fraction = fmin(0.1, normal.papillary_blood_fraction * (1.0 + extra_blood));
    red.reticular_blood_fraction = fmin(0.1, normal.reticular_blood_fraction * (1.0 + 0.5 * extra_blood));
    double xyz0[3], xyz1[3], rgb0[3], rgb1[3];
    if ((s = optics_skin_xyz_diffusion(&normal, xyz0, err)) != SMP_OK) return s;
    if ((s = optics_skin_xyz_diffusion(&red, xyz1, err)) != SMP_OK) return s;
    optics_xyz_to_linear_rgb(xyz0, rgb0);
    optics_xyz_to_linear_rgb(xyz1, rgb1);
    for (int c = 0; c < 3; ++c)
        if (rgb0[c] > 1e-6 && rgb1[c] > 1e-6) density[c] = log(rgb0[c] / rgb1[c]);
    return SMP_OK;
}
