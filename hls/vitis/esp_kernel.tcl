# Vitis HLS script for the HLS ESP kernel (hls/esp_kernel.cpp, top esp_kernel: one command
# list per invocation). Run through the Makefile beside it (`make xo`, `make csim`,
# `make cosim`), which generates the regmap header first; or by hand:
#   vitis_hls -f esp_kernel.tcl -tclargs <part> <clock_ns> <gen_dir> [xo|csim|cosim]
# xo: C synthesis, then export as a Vitis kernel object (.xo). csim: the testbench
# esp_kernel_tb.cpp in C. cosim: C synthesis, then the same testbench against the RTL
# (C/RTL co-simulation: every result word and device byte must equal the C model's).
set part   [lindex $argv 0]
set clock  [lindex $argv 1]
set gendir [lindex $argv 2]
set step   [lindex $argv 3]
if {$part eq ""}   { set part xcu250-figd2104-2L-e }
if {$clock eq ""}  { set clock 3.33 }
if {$gendir eq ""} { set gendir ./generated }
if {$step eq ""}   { set step xo }

set root [file normalize [file join [file dirname [info script]] .. ..]]
# ESPGW_HLS_TOP: the extern "C" top also exists for the testbench's C side (esp_kernel.cpp).
set cflags "-std=c++17 -I$root -I$gendir -DESPGW_HLS_TOP"
set sources {aes.cpp ghash.cpp sha256.cpp sha1.cpp esp_transform.cpp spi_index.cpp sa_table.cpp replay.cpp
             esp_outbound.cpp esp_inbound.cpp desc_ring.cpp control.cpp esp_kernel.cpp}

open_project -reset esp_kernel_prj
set_top esp_kernel
foreach f $sources { add_files [file join $root hls $f] -cflags $cflags }
add_files -tb [file join $root hls vitis esp_kernel_tb.cpp] -cflags $cflags
open_solution -reset -flow_target vitis solution1
set_part $part
create_clock -period $clock -name default
config_interface -m_axi_addr64

switch $step {
  csim  { csim_design }
  cosim { csynth_design; cosim_design -trace_level none }
  xo    { csynth_design; export_design -format xo -output [file normalize esp_kernel.xo] }
  default { puts "esp_kernel.tcl: unknown step '$step' (xo, csim, cosim)"; exit 1 }
}
exit
