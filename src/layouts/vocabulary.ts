/**
 * @module layouts/vocabulary
 * The fields a layout may collect, their types and limits, and the words the embedded form shows
 * in each locale. Brands add custom fields with a type; everything else is fixed here so that a
 * CRM receives the same keys from every brand.
 */

import type { Locale } from '../consent/purposes-vocabulary.ts';
import type { LayoutFieldType } from '../db/schema/index.ts';

export const STANDARD_FIELDS = {
  email: { type: 'email', maxLength: 254, autocomplete: 'email' },
  phone: { type: 'phone', maxLength: 32, autocomplete: 'tel' },
  firstName: { type: 'text', maxLength: 100, autocomplete: 'given-name' },
  lastName: { type: 'text', maxLength: 100, autocomplete: 'family-name' },
  birthDate: { type: 'date', maxLength: 10, autocomplete: 'bday' },
  postalCode: { type: 'postal_code', maxLength: 16, autocomplete: 'postal-code' },
  preferredStore: { type: 'store', maxLength: 40, autocomplete: 'off' },
} as const satisfies Record<string, { type: LayoutFieldType; maxLength: number; autocomplete: string }>;
export type StandardField = keyof typeof STANDARD_FIELDS;
export const STANDARD_FIELD_KEYS = Object.keys(STANDARD_FIELDS) as StandardField[];
export const isStandardField = (key: string): key is StandardField => Object.hasOwn(STANDARD_FIELDS, key);

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'boolean', 'date', 'choice'] as const;
export const CUSTOM_FIELD_KEY = /^[a-z][a-zA-Z0-9]{0,39}$/;
export const DEFAULT_CUSTOM_TEXT_LENGTH = 200;

type Words = Record<StandardField, string> & {
  submit: string;
  required: string;
  optional: string;
  invalid: string;
  failed: string;
  done: string;
  receipt: string;
  consents: string;
  gpc: string;
  statuses: { granted: string; pending: string; withdrawn: string; not_given: string };
};

export const UI_WORDS: Record<Locale, Words> = {
  en: {
    email: 'Email',
    phone: 'Mobile phone',
    firstName: 'First name',
    lastName: 'Last name',
    birthDate: 'Date of birth',
    postalCode: 'Postal code',
    preferredStore: 'Preferred store',
    submit: 'Join',
    required: 'required',
    optional: 'optional',
    invalid: 'Please check the highlighted fields.',
    failed: 'Something went wrong. Please try again.',
    done: 'Thank you. Your choices are saved.',
    receipt: 'Your consent receipt',
    consents: 'Your choices',
    gpc: 'Your browser sends a Global Privacy Control signal, so your information will not be sold or shared.',
    statuses: { granted: 'Yes', pending: 'Awaiting your confirmation', withdrawn: 'No', not_given: 'No' },
  },
  fr: {
    email: 'E-mail',
    phone: 'Téléphone mobile',
    firstName: 'Prénom',
    lastName: 'Nom',
    birthDate: 'Date de naissance',
    postalCode: 'Code postal',
    preferredStore: 'Magasin préféré',
    submit: 'Rejoindre',
    required: 'obligatoire',
    optional: 'facultatif',
    invalid: 'Vérifiez les champs signalés.',
    failed: 'Une erreur est survenue. Réessayez.',
    done: 'Merci. Vos choix sont enregistrés.',
    receipt: 'Votre reçu de consentement',
    consents: 'Vos choix',
    gpc: 'Votre navigateur envoie un signal Global Privacy Control : vos informations ne seront ni vendues ni partagées.',
    statuses: {
      granted: 'Oui',
      pending: 'En attente de votre confirmation',
      withdrawn: 'Non',
      not_given: 'Non',
    },
  },
  de: {
    email: 'E-Mail',
    phone: 'Mobiltelefon',
    firstName: 'Vorname',
    lastName: 'Nachname',
    birthDate: 'Geburtsdatum',
    postalCode: 'Postleitzahl',
    preferredStore: 'Lieblingsfiliale',
    submit: 'Anmelden',
    required: 'Pflichtfeld',
    optional: 'optional',
    invalid: 'Bitte prüfen Sie die markierten Felder.',
    failed: 'Etwas ist schiefgegangen. Bitte versuchen Sie es erneut.',
    done: 'Danke. Ihre Auswahl ist gespeichert.',
    receipt: 'Ihre Einwilligungsquittung',
    consents: 'Ihre Entscheidungen',
    gpc: 'Ihr Browser sendet ein Global-Privacy-Control-Signal: Ihre Informationen werden nicht verkauft oder weitergegeben.',
    statuses: { granted: 'Ja', pending: 'Wartet auf Ihre Bestätigung', withdrawn: 'Nein', not_given: 'Nein' },
  },
  da: {
    email: 'E-mail',
    phone: 'Mobiltelefon',
    firstName: 'Fornavn',
    lastName: 'Efternavn',
    birthDate: 'Fødselsdato',
    postalCode: 'Postnummer',
    preferredStore: 'Foretrukken butik',
    submit: 'Tilmeld',
    required: 'påkrævet',
    optional: 'valgfri',
    invalid: 'Tjek de markerede felter.',
    failed: 'Noget gik galt. Prøv igen.',
    done: 'Tak. Dine valg er gemt.',
    receipt: 'Din samtykkekvittering',
    consents: 'Dine valg',
    gpc: 'Din browser sender et Global Privacy Control-signal, så dine oplysninger bliver ikke solgt eller delt.',
    statuses: { granted: 'Ja', pending: 'Afventer din bekræftelse', withdrawn: 'Nej', not_given: 'Nej' },
  },
  'pt-BR': {
    email: 'E-mail',
    phone: 'Celular',
    firstName: 'Nome',
    lastName: 'Sobrenome',
    birthDate: 'Data de nascimento',
    postalCode: 'CEP',
    preferredStore: 'Loja preferida',
    submit: 'Participar',
    required: 'obrigatório',
    optional: 'opcional',
    invalid: 'Verifique os campos destacados.',
    failed: 'Algo deu errado. Tente novamente.',
    done: 'Obrigado. Suas escolhas foram salvas.',
    receipt: 'Seu recibo de consentimento',
    consents: 'Suas escolhas',
    gpc: 'Seu navegador envia um sinal Global Privacy Control: suas informações não serão vendidas nem compartilhadas.',
    statuses: { granted: 'Sim', pending: 'Aguardando sua confirmação', withdrawn: 'Não', not_given: 'Não' },
  },
};
