// esp_aes_pkg: AES (FIPS-197) constants and byte-level helpers shared by the S-box, the
// round and the key expansion. A 128-bit state holds FIPS-197 byte 0 in bits [127:120]
// (the order bytes travel on the wire); byte b = row (b % 4), column (b / 4) (FIPS-197 3.4).
// Functions assign to their own name and nothing is imported, so Yosys reads this file too.
package esp_aes_pkg;

  localparam int unsigned MaxRounds = 14;                 // AES-256 (FIPS-197 5, Nr = 14)
  localparam int unsigned Aes128Rounds = 10;              // AES-128 (Nr = 10)
  localparam int unsigned NumRoundKeys = MaxRounds + 1;   // round keys 0..Nr
  // Clocks from a block entering esp_aes_enc_pipe / esp_aes_dec_pipe to its result: the
  // initial AddRoundKey, then one clock per round of AES-256 (AES-128 rides along).
  localparam int unsigned PipeLatency = MaxRounds + 1;

  // Byte b of a state (FIPS-197 order) and the matching bit slice.
  function automatic logic [7:0] state_byte(logic [127:0] state, int unsigned b);
    state_byte = state[8 * (15 - b) +: 8];
  endfunction

  // Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2.1).
  function automatic logic [7:0] xtime(logic [7:0] a);
    xtime = {a[6:0], 1'b0} ^ (a[7] ? 8'h1b : 8'h00);
  endfunction

  // ShiftRows (FIPS-197 5.1.2): row r rotates left by r, s'[r,c] = s[r,(c+r) mod 4].
  function automatic logic [127:0] shift_rows(logic [127:0] state);
    for (int unsigned c = 0; c < 4; c++) begin
      for (int unsigned r = 0; r < 4; r++) begin
        shift_rows[8 * (15 - (r + 4 * c)) +: 8] = state_byte(state, r + 4 * ((c + r) % 4));
      end
    end
  endfunction

  // InvShiftRows (FIPS-197 5.3.1): s'[r,(c+r) mod 4] = s[r,c].
  function automatic logic [127:0] inv_shift_rows(logic [127:0] state);
    for (int unsigned c = 0; c < 4; c++) begin
      for (int unsigned r = 0; r < 4; r++) begin
        inv_shift_rows[8 * (15 - (r + 4 * ((c + r) % 4))) +: 8] = state_byte(state, r + 4 * c);
      end
    end
  endfunction

  // MixColumns on one column {s0,s1,s2,s3} (s0 in the top byte), FIPS-197 5.1.3:
  // s'0 = 2s0 ^ 3s1 ^ s2 ^ s3, and its rotations.
  function automatic logic [31:0] mix_column(logic [31:0] col);
    logic [7:0] a0, a1, a2, a3;
    a0 = col[31:24];
    a1 = col[23:16];
    a2 = col[15:8];
    a3 = col[7:0];
    mix_column = {xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3,
                  a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3,
                  a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3,
                  xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3)};
  endfunction

  // InvMixColumns on one column, FIPS-197 5.3.3 (coefficients e, b, d, 9). Written as
  // MixColumns after the pre-multiplication by {04}x^2 + {05} (the usual factorisation,
  // cheaper in LUTs than four constant multipliers): u = 4(s0 ^ s2), v = 4(s1 ^ s3).
  function automatic logic [31:0] inv_mix_column(logic [31:0] col);
    logic [7:0] a0, a1, a2, a3, u, v;
    a0 = col[31:24];
    a1 = col[23:16];
    a2 = col[15:8];
    a3 = col[7:0];
    u = xtime(xtime(a0 ^ a2));
    v = xtime(xtime(a1 ^ a3));
    inv_mix_column = mix_column({a0 ^ u, a1 ^ v, a2 ^ u, a3 ^ v});
  endfunction

  function automatic logic [127:0] mix_columns(logic [127:0] state);
    for (int unsigned c = 0; c < 4; c++) begin
      mix_columns[32 * (3 - c) +: 32] = mix_column(state[32 * (3 - c) +: 32]);
    end
  endfunction

  function automatic logic [127:0] inv_mix_columns(logic [127:0] state);
    for (int unsigned c = 0; c < 4; c++) begin
      inv_mix_columns[32 * (3 - c) +: 32] = inv_mix_column(state[32 * (3 - c) +: 32]);
    end
  endfunction

endpackage
