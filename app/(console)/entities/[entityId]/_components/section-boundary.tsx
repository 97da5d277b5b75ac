"use client";

import { Component, type ReactNode } from "react";

import styles from "./entity.module.css";

/**
 * Lets one processor section fail alone. Data errors are already typed results in the view
 * model; this catches what is left (a rendering bug on an unexpected value), so the other
 * sections still render. Errors thrown by server components arrive here too.
 */
export class SectionBoundary extends Component<{ title: string; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    if (this.state.failed) {
      return (
        <p className={styles.error} role="status">
          The {this.props.title} section could not be shown. The other sections are unaffected; the details are in the
          browser console.
        </p>
      );
    }
    return this.props.children;
  }
}
