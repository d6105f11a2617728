// Scene-referred linear RGB to display sRGB: exposure, a soft shoulder above 0.8 (keeps skin mid-tones
// exactly linear, rolls highlights off instead of clipping), then the sRGB transfer function.
in vec2 v_uv;
uniform sampler2D u_hdr;
uniform sampler2D u_hdr_full;   // render_frame_present: the last full-quality image, mixed in by u_full_share
uniform float u_full_share;     // 0: u_hdr alone
uniform float u_exposure;
out vec4 o_color;

vec3 shoulder(vec3 x)
{
    vec3 over = max(x - 0.8, 0.0);
    return min(x, vec3(0.8)) + 0.2 * (1.0 - exp(-over / 0.2));
}

vec3 srgb_encode(vec3 c)
{
    c = clamp(c, 0.0, 1.0);
    return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c));
}

void main()
{
    vec3 c = texture(u_hdr, v_uv).rgb;
    if (u_full_share > 0.0) c = mix(c, texture(u_hdr_full, v_uv).rgb, u_full_share);
    c *= u_exposure;
    o_color = vec4(srgb_encode(shoulder(c)), 1.0);
}
