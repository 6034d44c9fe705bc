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

  // S-box and inverse S-box (FIPS-197 Fig. 7 and Fig. 14), generated from the GF(2^8)
  // inverse and the affine map; S(i) sits in bits [8i +: 8].
  localparam logic [2047:0] SboxFwd = {
    256'h16bb54b00f2d99416842e6bf0d89a18cdf2855cee9871e9b948ed9691198f8e1,
    256'h9e1dc186b95735610ef6034866b53e708a8bbd4b1f74dde8c6b4a61c2e2578ba,
    256'h08ae7a65eaf4566ca94ed58d6d37c8e779e4959162acd3c25c2406490a3a32e0,
    256'hdb0b5ede14b8ee4688902a22dc4f816073195d643d7ea7c41744975fec130ccd,
    256'hd2f3ff1021dab6bcf5389d928f40a351a89f3c507f02f94585334d43fbaaefd0,
    256'hcf584c4a39becb6a5bb1fc20ed00d153842fe329b3d63b52a05a6e1b1a2c8309,
    256'h75b227ebe28012079a059618c323c7041531d871f1e5a534ccf73f362693fdb7,
    256'hc072a49cafa2d4adf04759fa7dc982ca76abd7fe2b670130c56f6bf27b777c63
  };

  localparam logic [2047:0] SboxInv = {
    256'h7d0c2155631469e126d677ba7e042b17619953833cbbebc8b0f52aae4d3be0a0,
    256'hef9cc9939f7ae52d0d4ab519a97f51605fec8027591012b131c7078833a8dd1f,
    256'hf45acd78fec0db9a2079d2c64b3e56fc1bbe18aa0e62b76f89c5291d711af147,
    256'h6edf751ce837f9e28535ade72274ac9673e6b4f0cecff297eadc674f4111913a,
    256'h6b8a130103bdafc1020f3fca8f1e2cd00645b3b80558e4f70ad3bc8c00abd890,
    256'h849d8da75746155edab9edfd5048706c92b6655dcc5ca4d41698688664f6f872,
    256'h25d18b6d49a25b76b224d92866a12e084ec3fa420b954cee3d23c2a632947b54,
    256'hcbe9dec444438e3487ff2f9b8239e37cfbd7f3819ea340bf38a53630d56a0952
  };

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
