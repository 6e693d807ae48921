//! The generated C controller (`c/pd.h`, `c/pd_q.h`, written by `cargo run --example
//! export_c`): its state structs mirrored with `#[repr(C)]` and its steps wrapped as safe
//! functions. Linked with `--features c` (the build script compiles the C with clang).

/// `pd_pid_state` of `c/pd.h`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CState {
    integral: f32,
    rate: f32,
    previous_error: f32,
    previous_measurement: f32,
    previous_output: f32,
    engine_output: [f32; 1],
    primed: i32,
}

/// `pd_q_pid_state` of `c/pd_q.h`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CFixedState {
    integral: i64,
    previous_output: i64,
    rate: i32,
    previous_error: i32,
    previous_measurement: i32,
    primed: u32,
}

unsafe extern "C" {
    fn pd_pid_init(state: *mut CState);
    fn pd_pid_step(state: *mut CState, setpoint: f32, measurement: f32, status: *mut u8) -> f32;
    fn pd_q_pid_init(state: *mut CFixedState);
    fn pd_q_pid_step(state: *mut CFixedState, setpoint: i32, measurement: i32, status: *mut u8) -> i32;
}

/// A fresh state of the C `f32` step.
pub fn c_state() -> CState {
    let mut state = CState::default();
    // SAFETY: the pointer is to a live, writable struct laid out as the header's.
    unsafe { pd_pid_init(&mut state) };
    state
}

/// One C `f32` step: output and status bits.
pub fn c_step(state: &mut CState, setpoint: f32, measurement: f32) -> (f32, u8) {
    let mut status = 0u8;
    // SAFETY: both pointers are to live, writable values of the header's types.
    let output = unsafe { pd_pid_step(state, setpoint, measurement, &mut status) };
    (output, status)
}

/// A fresh state of the C fixed-point step.
pub fn c_fixed_state() -> CFixedState {
    let mut state = CFixedState::default();
    // SAFETY: as for `c_state`.
    unsafe { pd_q_pid_init(&mut state) };
    state
}

/// One C fixed-point step: output (Q16.16) and status bits.
pub fn c_fixed_step(state: &mut CFixedState, setpoint: i32, measurement: i32) -> (i32, u8) {
    let mut status = 0u8;
    // SAFETY: as for `c_step`.
    let output = unsafe { pd_q_pid_step(state, setpoint, measurement, &mut status) };
    (output, status)
}
